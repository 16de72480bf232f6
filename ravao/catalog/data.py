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
    ("bar", "Quán bar, quán rượu", "Bar, pub", "culture", "place", 120, "business"),
    ("karaoke", "Cơ sở karaoke", "Karaoke", "culture", "place", 150, "business"),
    ("nightclub", "Vũ trường", "Nightclub, dance hall", "culture", "place", 180, "business"),
    ("beauty", "Massage, chăm sóc sắc đẹp", "Massage, beauty services", "trade", "place", 90, "business"),
    ("gym", "Phòng tập thể dục, thể hình", "Gym, fitness centre", "culture", "place", 90, "business"),
    ("meeting", "Hội họp, hội nghị, đào tạo", "Meeting, conference, training", "other", "event", 240, "business"),
    ("hospital", "Bệnh viện", "Hospital", "health", "place", 120, "crowded"),
    ("clinic", "Phòng khám, trạm y tế", "Clinic, health station", "health", "place", 60, "crowded"),
    ("pharmacy", "Nhà thuốc", "Pharmacy", "health", "place", 15, "crowded"),
    ("apartment", "Chung cư", "Apartment building", "other", "place", 60, "crowded"),
    ("school", "Trường học", "School", "education", "place", 360, "crowded"),
    ("university", "Trường đại học", "University", "education", "place", 360, "crowded"),
    # Colleges and vocational schools belong to the vocational system (Ministry of Labour).
    ("college", "Trường cao đẳng", "College", "labour", "place", 360, "crowded"),
    (
        "vocational_school",
        "Trường trung cấp, trung tâm giáo dục nghề nghiệp",
        "Vocational school",
        "labour",
        "place",
        360,
        "crowded",
    ),
    ("employment_centre", "Trung tâm dịch vụ việc làm", "Employment service centre", "labour", "place", 60, "crowded"),
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
    ("wholesale_market", "Chợ đầu mối", "Wholesale market", "trade", "place", 60, "crowded"),
    ("market", "Chợ dân sinh", "Local market", "trade", "place", 45, "crowded"),
    ("essential_shop", "Cửa hàng thiết yếu", "Shop selling essentials", "trade", "place", 15, "crowded"),
    ("funeral", "Đám tang", "Funeral", "other", "event", 180, "crowded"),
    ("wedding", "Đám cưới", "Wedding", "other", "event", 180, "crowded"),
    ("tourist_site", "Điểm du lịch", "Tourist site", "culture", "place", 120, "crowded"),
    ("amusement", "Khu vui chơi giải trí", "Amusement site", "culture", "place", 120, "crowded"),
    ("religious_site", "Cơ sở tôn giáo, tín ngưỡng", "Religious site", "culture", "place", 90, "crowded"),
    # Information and communications (the ICT department's own sector).
    ("post_office", "Bưu cục, điểm Bưu điện – Văn hoá xã", "Post office", "information", "place", 20, "crowded"),
    ("telecom_shop", "Điểm giao dịch viễn thông", "Telecom service point", "information", "place", 20, "business"),
    (
        "internet_shop",
        "Đại lý Internet, điểm trò chơi điện tử công cộng",
        "Internet café, gaming shop",
        "information",
        "place",
        120,
        "business",
    ),
    (
        "press_office",
        "Cơ quan báo chí, phát thanh, truyền hình",
        "Newspaper, radio or television office",
        "information",
        "place",
        480,
        "business",
    ),
    ("other", "Khác", "Other", "other", "place", 60, "business"),
]

# Words people write in the type column of their spreadsheets, besides the codes and the names
# above (compared accent-free and case-free: "Cho dan sinh" finds "Chợ dân sinh").
SYNONYMS = {
    # The labels of earlier catalogues, which old spreadsheets carry.
    "bar": ["quán bar", "bar", "pub", "quán rượu", "câu lạc bộ", "club", "Quán bar, câu lạc bộ, karaoke"],
    "karaoke": ["karaoke", "quán karaoke", "phòng hát karaoke", "hát karaoke"],
    "nightclub": ["vũ trường", "sàn nhảy", "discotheque", "disco", "night club"],
    "market": [
        "chợ",
        "chợ dân sinh",
        "chợ truyền thống",
        "chợ tạm",
        "chợ phường",
        "chợ xã",
        "Chợ đầu mối, chợ dân sinh",
    ],
    "wholesale_market": ["chợ đầu mối", "chợ đầu mối nông sản", "wholesale"],
    "gym": ["phòng gym", "gym", "phòng tập gym", "phòng tập thể hình", "thể hình", "fitness", "phòng tập thể dục"],
    "restaurant": ["nhà hàng", "quán ăn", "quán cơm", "quán phở", "quán cà phê", "cà phê", "cafe", "coffee"],
    "beauty": ["massage", "spa", "thẩm mỹ viện", "cắt tóc", "hớt tóc", "salon tóc", "làm đẹp"],
    "essential_shop": ["tạp hoá", "cửa hàng tạp hoá", "cửa hàng tiện lợi", "minimart", "tiệm tạp hoá"],
    "supermarket": ["siêu thị", "siêu thị mini"],
    "shopping_centre": ["trung tâm thương mại", "ttmt", "mall"],
    "pharmacy": ["nhà thuốc", "hiệu thuốc", "quầy thuốc"],
    "clinic": ["phòng khám", "trạm y tế", "trạm y tế xã", "phòng khám đa khoa"],
    "hospital": ["bệnh viện", "bv"],
    "school": ["trường học", "trường tiểu học", "trường thcs", "trường thpt", "trường mầm non", "mẫu giáo"],
    "university": ["đại học", "trường đại học", "học viện", "Trường đại học, cao đẳng"],
    "college": ["cao đẳng", "trường cao đẳng"],
    "vocational_school": ["trường nghề", "Trường nghề", "trung cấp", "trường trung cấp", "trung tâm dạy nghề"],
    "factory": ["nhà máy", "công ty", "doanh nghiệp", "xí nghiệp", "xưởng", "cơ sở sản xuất"],
    "office": ["cơ quan", "văn phòng", "ubnd", "trụ sở"],
    "apartment": ["chung cư", "khu chung cư", "toà nhà chung cư"],
    "bus_station": ["bến xe", "bến xe khách"],
    "railway_station": ["ga", "ga tàu", "ga đường sắt", "nhà ga"],
    "port": ["cảng", "bến tàu", "bến phà", "bến thuyền"],
    "religious_site": ["chùa", "nhà thờ", "đình", "đền", "miếu", "thánh thất", "cơ sở tôn giáo"],
    "tourist_site": ["điểm du lịch", "khu du lịch", "di tích"],
    "amusement": ["khu vui chơi", "công viên", "khu vui chơi giải trí"],
    "post_office": ["bưu điện", "bưu cục", "điểm bưu điện văn hoá xã"],
    "telecom_shop": ["cửa hàng viễn thông", "điểm giao dịch viettel", "điểm giao dịch vnpt", "viễn thông"],
    "internet_shop": ["internet", "quán net", "tiệm net", "đại lý internet", "game", "quán game"],
    "industrial_zone": ["kcn", "khu chế xuất", "cụm công nghiệp"],
    "employment_centre": ["trung tâm việc làm", "trung tâm dịch vụ việc làm"],
    "wedding": ["đám cưới", "tiệc cưới"],
    "funeral": ["đám tang", "đám ma", "lễ tang"],
    "meeting": ["hội nghị", "hội họp", "cuộc họp", "lớp tập huấn"],
}


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


# Types that earlier catalogues merged: (old code, words in the folded name, new code). Used by
# the data migrations that move existing venues and targets (and nothing else).
SPLITS = [
    ("bar", ("karaoke",), "karaoke"),
    ("bar", ("vu truong", "disco", "san nhay", "dance"), "nightclub"),
    ("market", ("dau moi", "wholesale"), "wholesale_market"),
    ("university", ("cao dang", "college"), "college"),
]


def split_type(old_code: str, folded_name: str) -> str | None:
    """The new type of a venue of a merged type, from its (folded) name; None: it stays."""
    for old, words, new in SPLITS:
        if old == old_code and any(w in folded_name for w in words):
            return new
    return None


def move_to_split_types(Model, VenueType, *, type_field: str = "venue_type") -> int:
    """Move rows of ``Model`` (a venue or a target, with ``name``, the type and ``sector``) of
    a merged type to its new type, by name. For data migrations; returns the count moved."""
    from ravao.catalog.lookup import fold_label

    types = {vt.code: vt for vt in VenueType.objects.all()}
    moved = 0
    old_codes = sorted({old for old, _w, _n in SPLITS})
    rows = Model.objects.filter(**{f"{type_field}__code__in": old_codes}).select_related(type_field)
    for row in rows.iterator():
        new = split_type(getattr(row, type_field).code, fold_label(row.name))
        if new and new in types:
            Model.objects.filter(pk=row.pk).update(**{type_field: types[new], "sector_id": types[new].sector_id})
            moved += 1
    return moved
