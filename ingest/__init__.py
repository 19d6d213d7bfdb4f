"""Parse budget disclosures into documents, exact figures with provenance, and an audit."""
