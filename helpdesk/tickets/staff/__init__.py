"""The agent inbox and the staff ticket page: thin views over the ticket selectors and services."""
