"""hadath: geopolitical events from Arabic news, articles topic -> Faust agent -> events topic."""

__version__ = "0.1.0"
