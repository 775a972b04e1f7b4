"""Files that leave or enter the office: the Excel ledger, Word bulletins, open data."""
