"""Scanning an extract: keep the rows of a KPU or Dukcapil extract that can concern the prison's inmates."""
