"""The portal: catalogue pages as Markdown for a static site generator (today mkdocs-material)."""
