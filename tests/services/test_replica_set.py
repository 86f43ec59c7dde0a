"""The bundled mongod is a single-node replica set (transactions everywhere); a standalone server is refused."""

from __future__ import annotations

import subprocess

import pymongo
import pytest

from errors import ConfigurationError
from storage.embedded import EmbeddedMongo, answers, find_mongod, free_port


def test_the_bundled_server_is_a_replica_set_that_survives_a_new_port(tmp_path):
    server = EmbeddedMongo(tmp_path / "db")
    server.start()
    try:
        client = pymongo.MongoClient(server.uri)
        assert client.admin.command("hello")["setName"] == "rs0"
        with client.start_session() as session, session.start_transaction():
            client.pathway.things.insert_one({"name": "kept"}, session=session)
        server.stop()
        server.start()  # a new free port: the stored member address must follow it
        client = pymongo.MongoClient(server.uri)
        hello = client.admin.command("hello")
        assert hello["isWritablePrimary"] and hello["setName"] == "rs0"
        assert client.pathway.things.find_one()["name"] == "kept"
    finally:
        server.stop()


def test_a_standalone_server_is_refused_with_what_to_do(tmp_path, app_config):
    from app import create_app

    port = free_port()
    (tmp_path / "standalone").mkdir()
    process = subprocess.Popen([find_mongod(), "--dbpath", str(tmp_path / "standalone"), "--port", str(port),
                                "--bind_ip", "127.0.0.1", "--quiet", "--logpath", str(tmp_path / "mongod.log")])
    try:
        pymongo.MongoClient(f"mongodb://127.0.0.1:{port}", serverSelectionTimeoutMS=30000).admin.command("ping")
        assert answers(port)
        app_config["MONGODB_URI"] = f"mongodb://127.0.0.1:{port}"
        with pytest.raises(ConfigurationError) as caught:
            create_app(app_config)
        assert "replica set" in str(caught.value) and "--replSet" in str(caught.value)
    finally:
        process.terminate()
        process.wait(30)
