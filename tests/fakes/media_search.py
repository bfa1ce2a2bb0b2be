"""Fake GIPHY and Pexels search APIs speaking their real wire protocols, on 127.0.0.1.

Each maps an exact query to media URLs (usually on a `MediaServer`); any other query finds
nothing. A wrong key gets the real 401.
GIPHY: `GET /v1/gifs/search?api_key&q&limit&rating&lang` → `{"data": [gif…], "pagination", "meta"}`.
Pexels: `GET /v1/search` (photos) and `GET /videos/search` (videos), `Authorization: KEY`,
`?query&per_page&orientation` → `{"photos": […]}` / `{"videos": […]}` with `page`, `per_page`, …
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from .json_http import JsonServer, Reply, Request


def _query(request: Request) -> tuple[str, dict[str, str]]:
    parts = urlsplit(request.path)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


class FakeGiphy(JsonServer):
    """`with FakeGiphy({"rust crab": [gif_url]}) as giphy:` → `giphy_api_url=giphy.api_url`."""

    def __init__(self, results: dict[str, list[str]], *, api_key: str = "giphy-test") -> None:
        self.results = results
        self.api_key = api_key
        super().__init__(self.handle_request)

    @property
    def api_url(self) -> str:
        return f"{self.url}/v1"

    def handle_request(self, request: Request) -> Reply:
        path, params = _query(request)
        if path != "/v1/gifs/search":
            return Reply(404, {"meta": {"status": 404, "msg": "Not Found", "response_id": "fake"}})
        if params.get("api_key") != self.api_key:
            return Reply(401, {"meta": {"status": 401, "msg": "Unauthorized", "response_id": "fake"}})
        urls = self.results.get(params.get("q", ""), [])[: int(params.get("limit", "25"))]
        data = [
            {
                "type": "gif",
                "id": f"fake{i}",
                "url": f"https://giphy.example/gifs/fake{i}",
                "title": params.get("q", ""),
                "rating": "g",
                "username": "",
                "images": {
                    "original": {"url": url, "width": "160", "height": "90", "frames": "2", "size": "1000"},
                    "fixed_height": {"url": url, "width": "160", "height": "90"},
                },
            }
            for i, url in enumerate(urls)
        ]
        return Reply(
            200,
            {
                "data": data,
                "pagination": {"total_count": len(data), "count": len(data), "offset": 0},
                "meta": {"status": 200, "msg": "OK", "response_id": "fake"},
            },
        )


class FakePexels(JsonServer):
    """`with FakePexels(photos={"ocean": [url]}, videos={"ocean": [url]}) as pexels:` → `pexels_api_url=pexels.url`."""

    def __init__(
        self,
        *,
        photos: dict[str, list[str]] | None = None,
        videos: dict[str, list[str]] | None = None,
        api_key: str = "pexels-test",
    ) -> None:
        self.photos = photos or {}
        self.videos = videos or {}
        self.api_key = api_key
        super().__init__(self.handle_request)

    def handle_request(self, request: Request) -> Reply:
        path, params = _query(request)
        if path not in ("/v1/search", "/videos/search"):
            return Reply(404, {"error": "Not Found"})
        if request.headers.get("authorization") != self.api_key:
            return Reply(401, {"error": "Unauthorized"})
        query = params.get("query", "")
        per_page = int(params.get("per_page", "15"))
        page = {"page": 1, "per_page": per_page, "next_page": None}
        if path == "/v1/search":
            urls = self.photos.get(query, [])[:per_page]
            return Reply(
                200,
                {**page, "total_results": len(urls), "photos": [_photo(i, u) for i, u in enumerate(urls)]},
            )
        urls = self.videos.get(query, [])[:per_page]
        return Reply(
            200, {**page, "total_results": len(urls), "videos": [_video(i, u) for i, u in enumerate(urls)]}
        )


def _photo(i: int, url: str) -> dict[str, object]:
    sizes = ("original", "large2x", "large", "medium", "small", "portrait", "landscape", "tiny")
    return {
        "id": 1000 + i,
        "width": 160,
        "height": 90,
        "url": f"https://pexels.example/photo/{1000 + i}/",
        "photographer": "Ada Example",
        "photographer_url": "https://pexels.example/@ada",
        "photographer_id": 7,
        "avg_color": "#336699",
        "src": {size: url for size in sizes},
        "liked": False,
        "alt": "a test picture",
    }


def _video(i: int, url: str) -> dict[str, object]:
    return {
        "id": 2000 + i,
        "width": 160,
        "height": 90,
        "duration": 1,
        "url": f"https://pexels.example/video/{2000 + i}/",
        "image": url,
        "user": {"id": 8, "name": "Bo Example", "url": "https://pexels.example/@bo"},
        "video_files": [
            {
                "id": 1,
                "quality": "uhd",
                "file_type": "video/mp4",
                "width": 3840,
                "height": 2160,
                "fps": 25,
                "link": url + "?uhd",
            },
            {
                "id": 2,
                "quality": "sd",
                "file_type": "video/mp4",
                "width": 160,
                "height": 90,
                "fps": 10,
                "link": url,
            },
        ],
        "video_pictures": [],
    }
