"""The OpenAPI docs page works offline: every asset it loads is served by seekreel."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from service_helpers import make_settings

from service.api.app import create_app


def test_docs_page_loads_only_local_assets(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path))) as c:
        page = c.get("/docs")
        assert page.status_code == 200
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
        assert urls, page.text
        for url in urls:
            assert url.startswith("/"), f"/docs loads {url} from elsewhere"
            assert c.get(url).status_code == 200, url
        assert "/ai-render" in c.get("/openapi.json").json()["paths"]
