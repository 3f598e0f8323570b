"""After the decision letter: when the decision reached the applicant (delivery), appeals with
rättidsprövning (FL 44–45 §§), omprövning (FL 38–39 §§), forwarding to förvaltningsrätten and
the court's outcome."""
