"""One package per command, each holding its run, its report tables and its own inputs.

Commands stand apart: the only arrow between them is declared, ``plan`` reading the columns ``reconcile`` writes."""
