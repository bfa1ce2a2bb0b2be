"""The service with the STAND-IN storyboard engine, in a process of its own (for tests that kill it).

SEEKREEL_DATA_DIR=… STANDIN_GATE=/tmp/gate python tests/standin_server.py PORT
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import uvicorn
from story_standin import ToneEngine

from service.api import create_app
from service.settings import Settings

if __name__ == "__main__":
    settings = Settings()
    gate = os.environ.get("STANDIN_GATE")
    app = create_app(settings, engine=ToneEngine(settings, gate=Path(gate) if gate else None))
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
