"""`dpt-rutan reconcile` and `dpt-rutan reconcile-sites`: the prison's voter list against the KPU extract."""
