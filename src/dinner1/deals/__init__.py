"""Dead-hour deals: occupancy forecasts, discount recommendations and auto-posting rules."""
