"""The applicant's pages: login (login.py), the application (apply.py), Mina sidor
(minasidor.py). Views are thin: the work is in bistand/eservice/services.py."""
