"""Reading: a user's file (CSV, workbook, a folder of them) becomes a table of text, each row with its origin."""
