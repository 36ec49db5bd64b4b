"""Print the table of finding codes for README.md, from the codes the modules define (docs that cannot drift)."""

from __future__ import annotations

import dpt_rutan.cli  # noqa: F401  (importing the CLI imports every module, so every code is defined)
from dpt_rutan.errors import CODES


def finding_code_table() -> str:
    lines = ["| code | severity | pesan | message |", "|---|---|---|---|"]
    for code in sorted(CODES.values(), key=lambda c: ({"error": 0, "warning": 1, "info": 2}[c.severity], c.code)):
        lines.append(f"| `{code.code}` | {code.severity} | {code.message_id} | {code.message_en} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(finding_code_table())
