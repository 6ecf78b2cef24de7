"""Register every public endpoint with ``gr.api`` (call inside the app's ``gr.Blocks``)."""
from __future__ import annotations

import gradio as gr

from api import playground
from lessons.contract import Endpoint
from tabs.common import user_errors

PLAYGROUND = (
    Endpoint(playground.embed, "embed", example='c.predict(texts="a cat\\na dog", api_name="/embed")'),
    Endpoint(playground.similarity, "similarity",
             example='c.predict(modality="image", files=[handle_file("cat.jpg"), handle_file("dog.jpg")], '
                     'api_name="/similarity")'),
    Endpoint(playground.export, "export",
             example='c.predict(texts="a cat\\na dog", formats=["parquet"], api_name="/export")'),
    Endpoint(playground.encoders, "encoders", example='c.predict(api_name="/encoders")'),
    Endpoint(playground.search, "search",
             example='c.predict(query_text="a dog barking", target="sounds", api_name="/search")'),
    Endpoint(playground.zero_shot, "zero_shot",
             example='c.predict(file=handle_file("cat.jpg"), labels="dog, cat, car", api_name="/zero_shot")'),
)


def all_endpoints() -> list[Endpoint]:
    from lessons.registry import LESSONS

    from board.endpoints import BOARD_ENDPOINTS

    return list(PLAYGROUND) + [ep for lesson in LESSONS for ep in lesson.endpoints] + list(BOARD_ENDPOINTS)


def register_all() -> None:
    names = set()
    for ep in all_endpoints():
        if ep.name in names:
            raise ValueError(f"two endpoints are called /{ep.name}")
        names.add(ep.name)
        gr.api(user_errors(ep.fn), api_name=ep.name, api_description=ep.description or None)
