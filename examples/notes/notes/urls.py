"""The Django side of the project (python3 manage.py runserver): the admin, whose login page
sets the session cookie that liveactor's pages then recognise. See docs/django.md."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
