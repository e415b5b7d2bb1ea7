from __future__ import annotations

import json

from reti_adi.rules.result import CheckResult


def report_json(result: CheckResult, color: bool = False) -> str:
    payload = {
        "valido": result.ok,
        "file_controllati": result.files,
        "schede": result.counts,
        "data_riferimento": result.today.isoformat(),
        "errori": len(result.errors),
        "avvisi": len(result.warnings),
        "problemi": [
            {"file": p.file, "riga": p.line, "colonna": p.column, "campo": p.field, "gravita": p.severity,
             "regola": p.rule, "messaggio": p.message, "trovato": p.found, "atteso": p.expected}
            for p in result.problems
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
