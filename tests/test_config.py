"""Settings: defaults, environment overrides, validation with clear messages."""

import pytest

from config import instance_secret_key, load_settings
from errors import ConfigurationError


def test_environment_overrides_defaults_with_types():
    settings = load_settings(environ={"PATHWAY_PORT": "8080", "PATHWAY_DEMO": "yes", "MONGODB_URI": "mongodb://x"})
    assert settings["PORT"] == 8080 and settings["DEMO"] is True and settings["MONGODB_URI"] == "mongodb://x"


def test_explicit_overrides_win():
    assert load_settings({"PORT": 1}, environ={"PATHWAY_PORT": "8080"})["PORT"] == 1


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"PATHWAY_PORT": "eighty"}, "PATHWAY_PORT must be a whole number"),
        ({"PATHWAY_DEMO": "maybe"}, "PATHWAY_DEMO must be true or false"),
        ({"PATHWAY_ENV": "production", "MONGODB_URI": "mongodb://db/x"}, "Production needs a secret key"),
        ({"PATHWAY_ENV": "production", "PATHWAY_SECRET_KEY": "k" * 40}, "Production needs a MongoDB server"),
        ({"PATHWAY_HOLIDAY_REGION": "wales"}, "PATHWAY_HOLIDAY_REGION must be"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(environ, message):
    with pytest.raises(ConfigurationError) as caught:
        load_settings(environ=environ)
    assert message in caught.value.message


def test_instance_secret_key_is_generated_once(tmp_path):
    first = instance_secret_key(str(tmp_path))
    assert len(first) == 64
    assert instance_secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_links_in_emails_lead_to_where_the_embedded_default_answers():
    from app import served_base_url

    # Run on another port (asked for, or free because 5000 was taken): the links say that port.
    assert served_base_url("http://127.0.0.1:5000", "127.0.0.1", 5162, explicit=False) == "http://127.0.0.1:5162"
    assert served_base_url("http://127.0.0.1:5000", "0.0.0.0", 8080, explicit=False) == "http://127.0.0.1:8080"
    # An address set on purpose (PATHWAY_BASE_URL, behind a proxy) is kept.
    assert served_base_url("https://pathway.example.org", "127.0.0.1", 5162, explicit=True) == \
        "https://pathway.example.org"


def test_a_server_process_collects_its_young_objects_less_often():
    import gc

    from app import GC_YOUNGEST, tune_collector

    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)  # the interpreter's own
    try:
        tune_collector()
        assert gc.get_threshold() == (GC_YOUNGEST, 10, 10) and GC_YOUNGEST >= 10_000
    finally:
        gc.set_threshold(*before)
