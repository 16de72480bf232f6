"""What a synthetic country looks like: how many venues of each type, how busy they are, when
people arrive and how long they stay. Figures are plausible guesses, not statistics: they give
the tables the shape (skew, peaks, regulars) that tracing and oversight queries meet in the field.
"""

from dataclasses import dataclass

# Hours are local time (Asia/Ho_Chi_Minh). A rhythm is a mixture of (weight, peak hour, spread
# in hours); "flat" (weight, from, to) components spread arrivals evenly over opening hours.


@dataclass(frozen=True)
class Profile:
    share: float  # venues of this type per 1,000 venues
    busy: float  # mean check-ins per venue per day, relative (1 = a small shop)
    rhythm: tuple  # ((weight, hour, spread) ...) gaussian peaks
    flat: tuple = ()  # ((weight, from_hour, to_hour) ...)
    regulars: int = 0  # size of the pool of regulars (workers, pupils) per venue; 0 = walk-ins
    entrances: int = 1


WORK = ((0.55, 7.0, 0.35), (0.10, 13.0, 0.4), (0.35, 17.0, 0.35))  # shift changes
OFFICE = ((0.75, 7.5, 0.4), (0.25, 13.3, 0.3))
MEALS = ((0.25, 6.8, 0.6), (0.40, 11.7, 0.6), (0.35, 18.6, 0.8))
MARKET = ((0.70, 6.3, 0.9), (0.30, 16.5, 1.0))
EVENING = ((1.0, 20.5, 1.3),)
DAYTIME = ((0.55, 9.0, 1.5), (0.45, 15.5, 1.5))
SCHOOL = ((0.8, 6.8, 0.3), (0.2, 13.3, 0.3))
SHOPS = ((0.3, 10.0, 1.5), (0.7, 18.5, 1.5))

PROFILES: dict[str, Profile] = {
    "essential_shop": Profile(200, 1.0, SHOPS, ((0.4, 6.5, 21.5),)),
    "restaurant": Profile(170, 1.6, MEALS),
    "office": Profile(80, 1.2, OFFICE, regulars=40),
    "factory": Profile(45, 6.0, WORK, regulars=400, entrances=2),
    "industrial_zone": Profile(2, 40.0, WORK, regulars=5000, entrances=3),
    "beauty": Profile(45, 0.6, DAYTIME, ((0.3, 8.0, 20.0),)),
    "bar": Profile(14, 1.2, EVENING),
    "karaoke": Profile(12, 1.4, EVENING),
    "nightclub": Profile(4, 3.0, ((1.0, 22.0, 1.2),)),
    "gym": Profile(15, 1.5, ((0.5, 5.8, 0.6), (0.5, 18.0, 1.0))),
    "pharmacy": Profile(50, 1.2, SHOPS, ((0.5, 7.0, 21.0),)),
    "clinic": Profile(25, 1.5, DAYTIME),
    "hospital": Profile(3, 25.0, ((0.6, 7.5, 1.2), (0.4, 13.8, 1.2)), ((0.2, 0.0, 24.0),), entrances=3),
    "apartment": Profile(30, 3.0, ((0.5, 17.8, 1.2), (0.5, 7.0, 1.0)), regulars=300, entrances=2),
    "school": Profile(35, 8.0, SCHOOL, regulars=600, entrances=2),
    "university": Profile(2, 30.0, SCHOOL, regulars=3000, entrances=3),
    "college": Profile(2, 12.0, SCHOOL, regulars=800),
    "vocational_school": Profile(3, 8.0, SCHOOL, regulars=400),
    "employment_centre": Profile(1, 6.0, DAYTIME),
    "market": Profile(17, 12.0, MARKET, entrances=3),
    "wholesale_market": Profile(3, 20.0, ((0.8, 3.0, 1.2), (0.2, 15.0, 1.5)), entrances=3),
    "supermarket": Profile(15, 8.0, SHOPS, entrances=2),
    "shopping_centre": Profile(3, 25.0, SHOPS, entrances=3),
    "railway_station": Profile(1, 20.0, DAYTIME, ((0.5, 4.0, 23.0),), entrances=2),
    "bus_station": Profile(3, 15.0, ((0.6, 6.0, 1.5), (0.4, 14.0, 2.0)), entrances=2),
    "port": Profile(2, 8.0, DAYTIME),
    "waiting_shelter": Profile(20, 1.0, ((0.5, 6.8, 0.8), (0.5, 17.0, 0.8))),
    "airport": Profile(0.2, 60.0, DAYTIME, ((0.5, 5.0, 23.0),), entrances=3),
    "bus": Profile(30, 4.0, ()),
    "coach": Profile(15, 2.0, ()),
    "train_car": Profile(3, 3.0, ()),
    "ferry": Profile(3, 4.0, ()),
    "tourist_site": Profile(8, 4.0, DAYTIME),
    "amusement": Profile(5, 4.0, ((0.4, 9.5, 1.5), (0.6, 16.0, 2.0))),
    "religious_site": Profile(30, 1.0, ((0.5, 5.5, 1.0), (0.5, 18.5, 1.0))),
    "meeting": Profile(10, 6.0, ()),
    "wedding": Profile(10, 15.0, ()),
    "funeral": Profile(5, 10.0, ()),
    "post_office": Profile(5, 3.0, DAYTIME),
    "telecom_shop": Profile(6, 1.0, SHOPS),
    "internet_shop": Profile(8, 1.5, EVENING, ((0.4, 9.0, 22.0),)),
    "press_office": Profile(1, 1.0, OFFICE, regulars=60),
    "other": Profile(20, 0.8, DAYTIME),
}

# Events: (start hour, length in hours) choices per type; visits fall inside the window.
EVENT_WINDOWS = {
    "meeting": ((8.0, 4.0), (13.5, 3.5), (8.0, 8.5)),
    "wedding": ((10.5, 3.0), (17.5, 3.5)),
    "funeral": ((7.0, 10.0), (13.0, 6.0)),
}

# Vehicles: (first departure hour, last departure hour, minutes between departures, minutes a
# trip lasts). Passengers board during the first minutes and leave at arrival.
TRIP_PLANS = {
    "bus": (5.0, 20.5, 40, 45),
    "coach": (6.0, 20.0, 360, 240),
    "train_car": (7.0, 19.0, 720, 360),
    "ferry": (5.0, 19.0, 90, 60),
}

# How people check in (the Visit.channel values), and how often check-outs are missing.
CHANNELS = (("self", 0.62), ("personal_qr", 0.15), ("cccd", 0.15), ("manual", 0.05), ("import", 0.03))
MISSING_CHECKOUT = 0.2  # left without a check-out: the automatic one stands
SCAN_CHECKOUT = 0.5  # of the real check-outs, share made by exit scan (else the button)

# Health declarations: most green, a small share yellow or red.
STATUS_SHARES = (("green", 0.915), ("yellow", 0.05), ("red", 0.005), ("undeclared", 0.03))

# Target establishments (oversight): places known to the authorities, a share of which has
# registered as a venue by now.
TARGET_REGISTERED_SHARE = 0.7

STREETS = (
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Huệ",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Phan Đình Phùng",
    "Nguyễn Trãi",
    "Điện Biên Phủ",
    "Hùng Vương",
    "Quang Trung",
    "Bà Triệu",
    "Lê Duẩn",
    "Nguyễn Du",
    "Phan Chu Trinh",
    "Võ Thị Sáu",
    "Trần Phú",
    "Ngô Quyền",
    "Lê Thánh Tông",
    "Nguyễn Văn Cừ",
    "Chu Văn An",
    "Hoàng Diệu",
    "Pasteur",
    "Tôn Đức Thắng",
    "Nguyễn Thị Minh Khai",
)
FAMILY_NAMES = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9.5),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 5),
    ("Phan", 4.5),
    ("Vũ", 3.9),
    ("Võ", 3.9),
    ("Đặng", 2.1),
    ("Bùi", 2),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1),
    ("Lý", 0.5),
)
MIDDLE_NAMES = {
    "male": ("Văn", "Đức", "Minh", "Quốc", "Hữu", "Thành"),
    "female": ("Thị", "Ngọc", "Thu", "Thanh", "Mai", "Kim"),
}
GIVEN_NAMES = {
    "male": (
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Hải",
        "Hùng",
        "Khoa",
        "Long",
        "Nam",
        "Phong",
        "Quang",
        "Sơn",
        "Tâm",
        "Thắng",
        "Trung",
        "Tuấn",
        "Việt",
        "Vinh",
    ),
    "female": (
        "Anh",
        "Chi",
        "Dung",
        "Giang",
        "Hà",
        "Hạnh",
        "Hoa",
        "Hương",
        "Lan",
        "Linh",
        "Mai",
        "Nga",
        "Ngọc",
        "Nhung",
        "Phương",
        "Thảo",
        "Trang",
        "Vân",
        "Yến",
    ),
}
