"""hbdt: crawl Báo Hòa Bình điện tử (HBĐT) into a searchable SQLite archive."""

__version__ = "0.1.0"
