from importlib.util import find_spec
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
TEMPLATE_DIR = Path(__file__).parent / "templates"


def swagger_ui_dir() -> Path:
    """Swagger UI 5 assets shipped inside the installed `fastapi-offline` package."""
    spec = find_spec("fastapi_offline")
    if spec is None or spec.origin is None:
        raise RuntimeError("fastapi-offline is not installed; reinstall dinner1")
    return Path(spec.origin).parent / "static"


def plotly_js_dir() -> Path:
    """plotly.min.js shipped inside the installed `plotly` package (never copied here)."""
    spec = find_spec("plotly")
    if spec is None or spec.origin is None:
        raise RuntimeError("plotly is not installed; reinstall dinner1")
    return Path(spec.origin).parent / "package_data"
