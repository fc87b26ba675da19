from django.contrib import admin

from notebook.models import Note

admin.site.register(Note)
