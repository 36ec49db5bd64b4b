"""`dpt-rutan missing-nik` and `dpt-rutan apply-nik`: the list for Dukcapil's recording, and the way back."""
