"""The project's spiders. ``article`` archives given URLs; later spiders discover them."""
