"""The bundled sample news site and the ``make demo`` command that crawls it."""
