"""Fake third-party servers for tests: real wire protocols on 127.0.0.1, no network."""
