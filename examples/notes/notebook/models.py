from django.db import models

MAX_TITLE = 80


class Note(models.Model):
    title = models.CharField(max_length=MAX_TITLE)
    body = models.TextField(blank=True)
    author = models.CharField(max_length=150, blank=True)  # the Django username, if logged in
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return self.title
