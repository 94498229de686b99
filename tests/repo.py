"""Where the repository's bundled data are, for the tests of the generic library (which knows no paths)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
REPORT_DATA = DATA / "report"
EXTERNAL_DATA = DATA / "external"
