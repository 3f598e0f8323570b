"""The exchange with Arbetsförmedlingen under the aktivitetskrav: outgoing notices that a jobseeker
may come under the requirement, incoming notices of too little occupation and of programme
participation."""
