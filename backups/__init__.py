"""Backups: the database and the media files in one archive (`manage.py backup`, `manage.py restore`)."""
