"""Pages of the labelling workflow: thin views over ``labelling.services`` and selectors, one
module per subject (applications, organisations, the dashboard, the person's account)."""
