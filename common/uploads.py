"""An uploaded file kept on the server between a preview and its confirmation (imports): the file in default
storage under a folder, its token and name in the session. Previews never confirmed are removed after a day."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

STALE = dt.timedelta(days=1)


@dataclass(frozen=True)
class KeptUpload:
    session_key: str
    folder: str

    def keep(self, request, data: bytes, filename: str) -> str:
        token = uuid.uuid4().hex
        saved = default_storage.save(f"{self.folder}/{token}", ContentFile(data))
        request.session[self.session_key] = {"token": token, "name": saved, "filename": filename}
        return token

    def read(self, request, token: str | None) -> tuple[bytes, str] | None:
        """The kept file's bytes and original name, if the token is the session's and the file is still there."""
        kept = request.session.get(self.session_key)
        if not kept or kept.get("token") != token or not kept.get("name", "").startswith(f"{self.folder}/"):
            return None
        try:
            with default_storage.open(kept["name"], "rb") as handle:
                return handle.read(), kept["filename"]
        except (FileNotFoundError, OSError):
            request.session.pop(self.session_key, None)
            return None

    def discard(self, request) -> None:
        kept = request.session.pop(self.session_key, None)
        if kept and kept.get("name", "").startswith(f"{self.folder}/"):
            try:
                default_storage.delete(kept["name"])
            except OSError:
                pass
        self._discard_stale()

    def _discard_stale(self) -> None:
        """Best effort: previews that were never confirmed are removed after a day."""
        try:
            _, files = default_storage.listdir(self.folder)
            cutoff = timezone.now() - STALE
            for name in files:
                path = f"{self.folder}/{name}"
                if default_storage.get_modified_time(path) < cutoff:
                    default_storage.delete(path)
        except (OSError, NotImplementedError):
            pass
