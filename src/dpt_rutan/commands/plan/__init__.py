"""`dpt-rutan tps-plan`: polling stations, officers and ballots for the prison."""
