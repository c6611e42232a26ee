"""The server entry points leave the loaded application out of the garbage collector's full passes."""

import pytest

from .test_settings import run_json

LOAD = """
import gc, importlib, json, sys, time
module = importlib.import_module(sys.argv[1])
began = time.perf_counter()
gc.collect()
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "tracked": len(gc.get_objects()),
    "views_loaded": "helpdesk.tickets.staff.inbox" in sys.modules,
    "application": type(module.application).__name__,
}))
"""


@pytest.mark.parametrize(
    ("module", "application"), [("helpdesk.asgi", "ProtocolTypeRouter"), ("helpdesk.wsgi", "WSGIHandler")]
)
def test_the_entry_point_freezes_the_loaded_application(tmp_path, module, application):
    loaded = run_json(LOAD, {"DJANGO_SETTINGS_MODULE": "helpdesk.settings", "DEBUG": "1"}, tmp_path, module)

    assert loaded["application"] == application
    assert loaded["views_loaded"]  # the URL configuration was read before freezing
    # What start-up made is frozen; a full collection now walks only what came after.
    assert loaded["frozen"] > 100_000
    assert loaded["tracked"] < loaded["frozen"] / 10
