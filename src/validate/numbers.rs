//! A free-text quantity ("approx. 5k", "1.2 million", "2,000 - 4,000") in → a plain integer.
