"""Bookings of dead-hour deals: a guaranteed seat, prepayment, check-in, reviews, loyalty."""
