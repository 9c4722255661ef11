"""Print the mutation score of the last `mutmut run` and the mutants no test killed (`make mutants`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

stats = json.loads(Path("mutants/mutmut-cicd-stats.json").read_text())
results = subprocess.run([sys.executable, "-m", "mutmut", "results"], capture_output=True, text=True, check=True)
alive = [line.strip() for line in results.stdout.splitlines() if line.rstrip().endswith(("survived", "no tests"))]
print(f"mutants no test killed ({len(alive)}; see one with: .venv/bin/mutmut show NAME):")
for line in alive:
    print("   ", line)
killed = stats["killed"] + stats["timeout"] + stats["suspicious"] + stats["segfault"]
total = stats["total"]
print(
    f"mutation score: {killed}/{total} killed = {100 * killed / total:.1f}%"
    f" (survived {stats['survived']}, no tests {stats['no_tests']}, timeouts counted as killed {stats['timeout']})"
)
