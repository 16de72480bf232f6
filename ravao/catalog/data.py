"""The catalogue Ravao ships: every kind of place of the 2021 request (dispatch 2278/BTTTT-THH of June 2021, point 1).

Loaded by a data migration and by ``ravao loadcatalog`` (idempotent: updates by code).
"""

SECTORS = [
    ("health", "Y tế", "Health"),
    ("education", "Giáo dục", "Education"),
    ("labour", "Lao động – Giáo dục nghề nghiệp", "Labour and vocational training"),
    ("transport", "Giao thông vận tải", "Transport"),
    ("industrial", "Khu công nghiệp", "Industrial zones"),
    ("information", "Thông tin và Truyền thông", "Information and communications"),
    ("trade", "Công Thương", "Industry and trade"),
    ("culture", "Văn hoá, Thể thao và Du lịch", "Culture, sports and tourism"),
    ("other", "Khác", "Other"),
]

# code, Vietnamese, English, sector, kind, default stay (minutes), group
VENUE_TYPES = [
    ("office", "Cơ quan, văn phòng", "Office, agency", "other", "place", 480, "business"),
    ("industrial_zone", "Khu công nghiệp", "Industrial zone", "industrial", "place", 540, "business"),
    ("factory", "Nhà máy, cơ sở sản xuất", "Factory, production site", "industrial", "place", 540, "business"),
    ("restaurant", "Nhà hàng, quán ăn", "Restaurant, eatery", "trade", "place", 60, "business"),
    ("bar", "Quán bar, câu lạc bộ, karaoke", "Bar, club, karaoke", "culture", "place", 120, "business"),
    ("beauty", "Massage, chăm sóc sắc đẹp", "Massage, beauty services", "trade", "place", 90, "business"),
    ("gym", "Phòng tập thể dục", "Gym", "culture", "place", 90, "business"),
    ("meeting", "Hội họp, hội nghị, đào tạo", "Meeting, conference, training", "other", "event", 240, "business"),
    ("hospital", "Bệnh viện", "Hospital", "health", "place", 120, "crowded"),
    ("clinic", "Phòng khám, trạm y tế", "Clinic, health station", "health", "place", 60, "crowded"),
    ("pharmacy", "Nhà thuốc", "Pharmacy", "health", "place", 15, "crowded"),
    ("apartment", "Chung cư", "Apartment building", "other", "place", 60, "crowded"),
    ("school", "Trường học", "School", "education", "place", 360, "crowded"),
    ("university", "Trường đại học, cao đẳng", "University, college", "education", "place", 360, "crowded"),
    ("vocational_school", "Trường nghề", "Vocational school", "labour", "place", 360, "crowded"),
    ("railway_station", "Ga đường sắt", "Railway station", "transport", "place", 60, "crowded"),
    ("bus_station", "Bến xe", "Bus station", "transport", "place", 60, "crowded"),
    ("port", "Cảng, bến tàu", "Port, ferry terminal", "transport", "place", 60, "crowded"),
    ("waiting_shelter", "Nhà chờ", "Waiting shelter", "transport", "place", 20, "crowded"),
    ("airport", "Cảng hàng không", "Airport", "transport", "place", 120, "crowded"),
    ("bus", "Xe buýt", "Bus", "transport", "vehicle", 45, "crowded"),
    ("coach", "Xe khách", "Coach", "transport", "vehicle", 240, "crowded"),
    ("train_car", "Toa tàu hoả", "Train car", "transport", "vehicle", 360, "crowded"),
    ("ferry", "Phà, tàu thuỷ", "Ferry, boat", "transport", "vehicle", 60, "crowded"),
    ("shopping_centre", "Trung tâm thương mại", "Shopping centre", "trade", "place", 90, "crowded"),
    ("supermarket", "Siêu thị", "Supermarket", "trade", "place", 45, "crowded"),
    ("market", "Chợ đầu mối, chợ dân sinh", "Wholesale or local market", "trade", "place", 45, "crowded"),
    ("essential_shop", "Cửa hàng thiết yếu", "Shop selling essentials", "trade", "place", 15, "crowded"),
    ("funeral", "Đám tang", "Funeral", "other", "event", 180, "crowded"),
    ("wedding", "Đám cưới", "Wedding", "other", "event", 180, "crowded"),
    ("tourist_site", "Điểm du lịch", "Tourist site", "culture", "place", 120, "crowded"),
    ("amusement", "Khu vui chơi giải trí", "Amusement site", "culture", "place", 120, "crowded"),
    ("religious_site", "Cơ sở tôn giáo, tín ngưỡng", "Religious site", "culture", "place", 90, "crowded"),
    ("other", "Khác", "Other", "other", "place", 60, "business"),
]


def load_catalog(Sector, VenueType) -> tuple[int, int]:
    """Create or update every sector and venue type; returns the counts loaded."""
    sectors = {}
    for code, vi, en in SECTORS:
        sectors[code], _ = Sector.objects.update_or_create(code=code, defaults={"name_vi": vi, "name_en": en})
    for code, vi, en, sector, kind, stay, group in VENUE_TYPES:
        VenueType.objects.update_or_create(
            code=code,
            defaults={
                "name_vi": vi,
                "name_en": en,
                "sector": sectors[sector],
                "kind": kind,
                "default_stay_minutes": stay,
                "group": group,
            },
        )
    return len(SECTORS), len(VENUE_TYPES)
