"""Allocation pages (namespace `allocation`, under /allocation/): the dealer's panel, the board."""

from django.urls import path

from importorders.views import allocation

app_name = "allocation"

urlpatterns = [
    path("", allocation.panel, name="panel"),
    path("<int:pk>/accept/", allocation.accept, name="accept"),
    path("<int:pk>/decline/", allocation.decline, name="decline"),
    path("board/", allocation.board, name="board"),
    path("board/export.csv", allocation.export, name="export"),
    path("board/supply/", allocation.supply, name="supply"),
    path("board/import/", allocation.import_quotas, name="import"),
    path("board/<int:pk>/override/", allocation.override, name="override"),
    path("board/<int:pk>/propose/", allocation.propose, name="propose"),
    path("board/<int:pk>/publish/", allocation.publish, name="publish"),
]
