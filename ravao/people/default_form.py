"""The default health declaration form: the domestic declaration of Decision 2666/QĐ-BYT
(29/05/2021) as tokhaiyte.vn asked it, in the format of ravao/people/formspec.py. Loaded by a
data migration; a national administrator publishes later versions from /people/forms/."""


def _l(vi: str, en: str) -> dict:
    return {"vi": vi, "en": en}


SYMPTOMS = {
    "fever": _l("Sốt", "Fever"),
    "cough": _l("Ho", "Cough"),
    "breathing_difficulty": _l("Khó thở", "Difficulty breathing"),
    "pneumonia": _l("Viêm phổi", "Pneumonia"),
    "sore_throat": _l("Đau họng", "Sore throat"),
    "fatigue": _l("Mệt mỏi", "Fatigue"),
    "loss_of_taste_smell": _l("Mất vị giác, khứu giác", "Loss of taste or smell"),
}

DEFAULT_FORM = {
    "version": "vn-2666-1",
    "title": _l("Tờ khai y tế (Quyết định 2666/QĐ-BYT)", "Health declaration (Decision 2666/QĐ-BYT)"),
    "valid_hours": 24,
    "default_status": "green",
    "fields": [
        {
            "key": "full_name",
            "type": "text",
            "required": True,
            "max_length": 120,
            "label": _l("Họ và tên", "Full name"),
        },
        {"key": "birth_year", "type": "year", "required": True, "label": _l("Năm sinh", "Year of birth")},
        {
            "key": "sex",
            "type": "choice",
            "choices": ["male", "female"],
            "choice_labels": {"male": _l("Nam", "Male"), "female": _l("Nữ", "Female")},
            "label": _l("Giới tính", "Sex"),
        },
        {"key": "nationality", "type": "country", "required": True, "label": _l("Quốc tịch", "Nationality")},
        {
            "key": "id_number",
            "type": "text",
            "format": "id_number",
            "max_length": 20,
            "label": _l("Số CCCD, CMND hoặc hộ chiếu", "ID card (CCCD, CMND) or passport number"),
        },
        {
            "key": "phone",
            "type": "text",
            "format": "phone",
            "max_length": 20,
            "label": _l("Số điện thoại", "Phone number"),
        },
        {
            "key": "unit",
            "type": "unit",
            "level": "commune",
            "label": _l("Địa chỉ liên lạc: xã, phường, đặc khu", "Contact address: commune or ward"),
        },
        {
            "key": "street",
            "type": "text",
            "max_length": 200,
            "label": _l("Số nhà, đường phố, thôn, tổ dân phố", "House number, street, hamlet"),
        },
        {
            "key": "visited",
            "type": "text",
            "max_length": 500,
            "label": _l(
                "Trong vòng 14 ngày qua, anh/chị có đến tỉnh, thành phố, quốc gia hoặc vùng lãnh thổ nào "
                "(có thể đi qua nhiều nơi)?",
                "In the last 14 days, which provinces, cities, countries or territories have you been to "
                "(there may be several)?",
            ),
        },
        {
            "key": "symptoms",
            "type": "multi",
            "choices": list(SYMPTOMS),
            "choice_labels": SYMPTOMS,
            "label": _l(
                "Trong vòng 14 ngày qua, anh/chị có thấy xuất hiện dấu hiệu nào sau đây không?",
                "In the last 14 days, have you had any of these signs?",
            ),
        },
        {
            "key": "contact_case",
            "type": "bool",
            "label": _l(
                "Trong vòng 14 ngày qua, anh/chị có tiếp xúc với người bệnh hoặc nghi ngờ mắc bệnh COVID-19 không?",
                "In the last 14 days, were you in contact with a person who had or was suspected of having COVID-19?",
            ),
        },
        {
            "key": "contact_from_abroad",
            "type": "bool",
            "label": _l(
                "Trong vòng 14 ngày qua, anh/chị có tiếp xúc với người từ nước hoặc vùng lãnh thổ có bệnh COVID-19 "
                "không?",
                "In the last 14 days, were you in contact with a person from a country or area with COVID-19?",
            ),
        },
        {
            "key": "contact_symptomatic",
            "type": "bool",
            "label": _l(
                "Trong vòng 14 ngày qua, anh/chị có tiếp xúc với người có biểu hiện sốt, ho, khó thở, viêm phổi không?",
                "In the last 14 days, were you in contact with a person with fever, cough, difficulty breathing or "
                "pneumonia?",
            ),
        },
        {
            "key": "commitment",
            "type": "commitment",
            "required": True,
            "label": _l(
                "Tôi cam kết những thông tin khai báo trên là đúng sự thật.",
                "I declare that the information above is true.",
            ),
            "warning": _l(
                "Khuyến cáo: khai báo thông tin sai là vi phạm pháp luật Việt Nam và có thể bị xử lý hình sự.",
                "Warning: a false declaration breaks Vietnamese law and may be prosecuted as a criminal offence.",
            ),
        },
    ],
    "rules": [
        {
            "colour": "red",
            "field": "contact_case",
            "reason": "contact_case",
            "label": _l("Tiếp xúc với người bệnh hoặc nghi mắc COVID-19", "Contact with a confirmed or suspected case"),
        },
        {
            "colour": "yellow",
            "field": "symptoms",
            "reason": "symptoms",
            "label": _l("Có dấu hiệu bệnh", "Has symptoms"),
        },
        {
            "colour": "yellow",
            "field": "contact_from_abroad",
            "reason": "contact_from_abroad",
            "label": _l(
                "Tiếp xúc với người từ nước, vùng có dịch", "Contact with a person from a country or area with COVID-19"
            ),
        },
        {
            "colour": "yellow",
            "field": "contact_symptomatic",
            "reason": "contact_symptomatic",
            "label": _l("Tiếp xúc với người có biểu hiện bệnh", "Contact with a person with symptoms"),
        },
    ],
}
