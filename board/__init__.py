"""The class board: every student adds to one live map on the projector.

rooms.py    in-memory rooms: join codes, teacher keys, caps, expiry, wrong-code limits (thread-safe)
space.py    the board's vector space: encoder choice, a stable 2-D map, neighbours, k-means groups
media.py    small in-memory previews of pictures and sounds
service.py  the operations behind the pages and the API (create, add, board, control, export)
endpoints.py  the public API (gr.api): /room_create, /room_add, /room_board, /room_remove

The pages are in ``tabs/board_pages.py`` (Gradio only).
"""
