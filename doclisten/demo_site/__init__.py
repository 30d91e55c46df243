"""The bundled sample DOC site: five realistic diabetes blogs served on 127.0.0.1.

Used by ``doclisten demo`` and by the end-to-end tests. See :class:`DemoSite`.
"""

from .content import Blog, Comment, Post
from .server import DemoSite, RequestRecord, ServedBlog

__all__ = ["Blog", "Comment", "DemoSite", "Post", "RequestRecord", "ServedBlog"]
