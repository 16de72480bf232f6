"""The mass organisations every commune has (the Fatherland Front and its member
organisations, dispatch 2278/BTTTT-THH §2 and §8), loaded by a data migration; a province adds
its own (clubs, volunteer teams) on the organisations page."""

# code, Vietnamese name, English name
MASS_ORGANISATIONS = [
    ("mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam", "Vietnam Fatherland Front"),
    ("doan_tn", "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Ho Chi Minh Communist Youth Union"),
    ("hoi_phu_nu", "Hội Liên hiệp Phụ nữ Việt Nam", "Vietnam Women's Union"),
    ("hoi_ccb", "Hội Cựu chiến binh Việt Nam", "Vietnam Veterans Association"),
    ("hoi_nong_dan", "Hội Nông dân Việt Nam", "Vietnam Farmers' Union"),
    ("cong_doan", "Liên đoàn Lao động (Công đoàn)", "Labour Federation (trade unions)"),
]


def load_mass_organisations(Organisation) -> int:
    """Create or update the nationwide mass organisations (idempotent, by code)."""
    from ravao.catalog.lookup import fold_label

    for code, vi, en in MASS_ORGANISATIONS:
        Organisation.objects.update_or_create(
            code=code, defaults={"name": vi, "name_en": en, "kind": "mass", "name_key": fold_label(vi)}
        )
    return len(MASS_ORGANISATIONS)
