"""`dpt-rutan diff`: what changed between two snapshots of a roster or an extract."""
