"""Word lists for the demo committee: people's names, places, units and departments.

Everything here is fictional; the frequencies follow the common Vietnamese
distribution closely enough for lists and searches to look real.
"""

from __future__ import annotations

# (family name, weight in ‰): Nguyễn alone is close to four in ten.
FAMILY_NAMES = [
    ("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 35), ("Huỳnh", 16),
    ("Phan", 45), ("Vũ", 24), ("Võ", 15), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13),
    ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Đinh", 8), ("Trịnh", 6), ("Mai", 5), ("Lương", 4),
    ("Đoàn", 5), ("Cao", 4), ("Lâm", 3), ("Tạ", 3), ("Hà", 5), ("Chu", 2), ("Kiều", 2), ("Tô", 2),
    ("Quách", 1), ("Lưu", 3), ("Đào", 4), ("Vương", 2), ("Thái", 2), ("Triệu", 2), ("Lò", 1),
    ("Nông", 1), ("Lục", 1), ("Mạc", 1), ("Khổng", 1),
]  # fmt: skip

MALE_MIDDLE = [
    "Văn", "Đức", "Minh", "Quốc", "Hữu", "Công", "Thanh", "Ngọc", "Xuân", "Trọng", "Đình",
    "Quang", "Anh", "Mạnh", "Việt", "Hoàng", "Thành", "Duy", "Tiến", "Bá", "Hồng", "Tuấn",
    "Khắc", "Chí", "Gia", "Trung", "Hải", "Đăng", "Như", "Kim",
]  # fmt: skip
FEMALE_MIDDLE = [
    "Thu", "Ngọc", "Thanh", "Minh", "Thùy", "Phương", "Hồng", "Kim", "Mai", "Bích", "Hải",
    "Hoài", "Diệu", "Khánh", "Lan", "Thúy", "Mỹ", "Quỳnh", "Hương", "Bảo", "Vân", "Tuyết",
    "Hà", "Thảo", "Yến",
]  # fmt: skip
MALE_GIVEN = [
    "Anh", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hùng", "Hưng", "Huy", "Khánh", "Khoa", "Kiên",
    "Lâm", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tâm",
    "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Hiếu", "Hòa",
    "Hoàng", "Hậu", "Lộc", "Tài", "Thái", "Thiện", "Thông", "Tiến", "Trí", "Trọng", "Tú", "Vũ",
    "Đạt", "Định", "Đông", "Duy", "Giang", "Hà", "Hiển", "Hiệp", "Khải", "Khang", "Lực", "Mạnh",
    "Ninh", "Phát", "Phương", "Quý", "Sang", "Tân", "Thạch", "Thuận", "Trường", "Tuệ", "Văn",
    "Chiến", "Công", "Dương", "Hạnh", "Kỳ", "Lợi", "Nhân", "Quyết", "Sỹ", "Thọ", "Tư",
]  # fmt: skip
FEMALE_GIVEN = [
    "An", "Anh", "Bích", "Châu", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền",
    "Hoa", "Hồng", "Huệ", "Hương", "Hường", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga",
    "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thanh", "Thơ", "Thu",
    "Thúy", "Thủy", "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Vi", "Yến", "Xuân", "Nhàn",
    "Thoa", "Lụa", "Huyền", "Hoài", "Lý", "Ly", "Minh", "Nguyệt", "Nhi", "Phượng",
    "Sen", "Tươi", "Thắm", "Thư", "Trâm", "Vy", "Diệp", "Đào", "Gấm", "Khuê", "Lê",
]  # fmt: skip

# The demo province and its places (all fictional).
PROVINCE = "Lạc Hồng"
DISTRICTS = [
    "Sông Cầu", "Bình Sơn", "Tân Lập", "Phú Mỹ", "An Hòa", "Đông Hưng", "Thạch Bàn", "Yên Lạc",
    "Kim Sơn", "Hòa Bình", "Vĩnh Thạnh", "Ngọc Lâm",
]  # fmt: skip
COMMUNES = [
    "Hòa Phú", "Tân Thành", "Phước Lộc", "Đông Xuân", "Thanh Hà", "Bình An", "Quảng Phú",
    "Xuân Lộc", "Hưng Đạo", "Nghĩa Hưng", "Trung Sơn", "Cẩm Thủy", "An Phú", "Hợp Thành",
    "Đại Đồng", "Minh Tân", "Kỳ Sơn", "Lạc Thủy", "Mỹ Thịnh", "Tiên Phong",
]  # fmt: skip
OTHER_PROVINCES = [
    "Hà Nội", "Thành phố Hồ Chí Minh", "Nghệ An", "Thanh Hóa", "Hải Phòng", "Đà Nẵng", "Huế",
    "Ninh Bình", "Hưng Yên", "Phú Thọ", "Quảng Ngãi", "Gia Lai", "Đắk Lắk", "Cần Thơ",
]  # fmt: skip
STREETS = [
    "Trần Hưng Đạo", "Lê Lợi", "Nguyễn Trãi", "Hai Bà Trưng", "Quang Trung", "Lý Thường Kiệt",
    "Nguyễn Du", "Phan Đình Phùng", "Hùng Vương", "Lê Duẩn", "Võ Thị Sáu", "Điện Biên Phủ",
]  # fmt: skip
PEOPLE_FOR_SCHOOLS = [
    "Lê Quý Đôn", "Nguyễn Du", "Trần Phú", "Chu Văn An", "Phan Bội Châu", "Nguyễn Huệ",
    "Lê Hồng Phong", "Hùng Vương", "Nguyễn Trãi", "Trần Quốc Tuấn", "Võ Nguyên Giáp",
    "Nguyễn Bỉnh Khiêm", "Lương Thế Vinh", "Phan Châu Trinh", "Huỳnh Thúc Kháng",
]  # fmt: skip

# Grassroots organizations of the bloc: (code, unit, sector, after 2025: "DANG" party
# and mass organizations, "UBND" state, "TINH" directly under the provincial committee).
UNITS = [
    ("VPTU", "Văn phòng Tỉnh ủy", "DANG_DOAN_THE", "DANG"),
    ("BTC", "Ban Tổ chức Tỉnh ủy", "DANG_DOAN_THE", "DANG"),
    ("BTG", "Ban Tuyên giáo Tỉnh ủy", "DANG_DOAN_THE", "DANG"),
    ("UBKT", "Ủy ban Kiểm tra Tỉnh ủy", "DANG_DOAN_THE", "DANG"),
    ("BDV", "Ban Dân vận Tỉnh ủy", "DANG_DOAN_THE", "DANG"),
    ("BNC", "Ban Nội chính Tỉnh ủy", "DANG_DOAN_THE", "DANG"),
    ("BAO", "Báo Lạc Hồng", "DANG_DOAN_THE", "DANG"),
    ("TCT", "Trường Chính trị tỉnh", "DANG_DOAN_THE", "DANG"),
    ("MTTQ", "Cơ quan Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "DANG_DOAN_THE", "DANG"),
    ("HLDLD", "Liên đoàn Lao động tỉnh", "DANG_DOAN_THE", "DANG"),
    ("TDTN", "Tỉnh đoàn", "DANG_DOAN_THE", "DANG"),
    ("HLHPN", "Hội Liên hiệp Phụ nữ tỉnh", "DANG_DOAN_THE", "DANG"),
    ("HND", "Hội Nông dân tỉnh", "DANG_DOAN_THE", "DANG"),
    ("HCCB", "Hội Cựu chiến binh tỉnh", "DANG_DOAN_THE", "DANG"),
    ("VPDB", "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh", "DANG_DOAN_THE", "DANG"),
    ("VPUB", "Văn phòng Ủy ban nhân dân tỉnh", "HANH_CHINH", "UBND"),
    ("SNV", "Sở Nội vụ", "HANH_CHINH", "UBND"),
    ("STC", "Sở Tài chính", "HANH_CHINH", "UBND"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư", "HANH_CHINH", "UBND"),
    ("STP", "Sở Tư pháp", "HANH_CHINH", "UBND"),
    ("SCT", "Sở Công Thương", "HANH_CHINH", "UBND"),
    ("SNN", "Sở Nông nghiệp và Phát triển nông thôn", "HANH_CHINH", "UBND"),
    ("STNMT", "Sở Tài nguyên và Môi trường", "HANH_CHINH", "UBND"),
    ("SGTVT", "Sở Giao thông vận tải", "HANH_CHINH", "UBND"),
    ("SXD", "Sở Xây dựng", "HANH_CHINH", "UBND"),
    ("SYT", "Sở Y tế", "HANH_CHINH", "UBND"),
    ("SGDDT", "Sở Giáo dục và Đào tạo", "HANH_CHINH", "UBND"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "HANH_CHINH", "UBND"),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội", "HANH_CHINH", "UBND"),
    ("STTTT", "Sở Thông tin và Truyền thông", "HANH_CHINH", "UBND"),
    ("SKHCN", "Sở Khoa học và Công nghệ", "HANH_CHINH", "UBND"),
    ("TTT", "Thanh tra tỉnh", "HANH_CHINH", "UBND"),
    ("BDT", "Ban Dân tộc tỉnh", "HANH_CHINH", "UBND"),
    ("BQLKKT", "Ban Quản lý các khu công nghiệp tỉnh", "HANH_CHINH", "UBND"),
    ("CTK", "Cục Thống kê tỉnh", "HANH_CHINH", "UBND"),
    ("KBNN", "Kho bạc Nhà nước tỉnh", "HANH_CHINH", "UBND"),
    ("CTHUE", "Cục Thuế tỉnh", "HANH_CHINH", "UBND"),
    ("BHXH", "Bảo hiểm xã hội tỉnh", "SU_NGHIEP", "UBND"),
    ("BVDK", "Bệnh viện Đa khoa tỉnh", "SU_NGHIEP", "UBND"),
    ("BVYHCT", "Bệnh viện Y học cổ truyền tỉnh", "SU_NGHIEP", "UBND"),
    ("BVSN", "Bệnh viện Sản - Nhi tỉnh", "SU_NGHIEP", "UBND"),
    ("CDC", "Trung tâm Kiểm soát bệnh tật tỉnh", "SU_NGHIEP", "UBND"),
    ("DHLH", "Trường Đại học Lạc Hồng", "SU_NGHIEP", "UBND"),
    ("CDYT", "Trường Cao đẳng Y tế", "SU_NGHIEP", "UBND"),
    ("CDSP", "Trường Cao đẳng Sư phạm", "SU_NGHIEP", "UBND"),
    ("CDKT", "Trường Cao đẳng Kỹ thuật công nghiệp", "SU_NGHIEP", "UBND"),
    ("THPTC", "Trường Trung học phổ thông chuyên Lạc Hồng", "SU_NGHIEP", "UBND"),
    ("PTTH", "Đài Phát thanh và Truyền hình tỉnh", "SU_NGHIEP", "UBND"),
    ("TTXTDT", "Trung tâm Xúc tiến đầu tư, thương mại và du lịch", "SU_NGHIEP", "UBND"),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng tỉnh", "SU_NGHIEP", "UBND"),
    ("TVT", "Thư viện tỉnh", "SU_NGHIEP", "UBND"),
    ("BTANG", "Bảo tàng tỉnh", "SU_NGHIEP", "UBND"),
    ("QDTPT", "Quỹ Đầu tư phát triển tỉnh", "SU_NGHIEP", "UBND"),
    ("XSKT", "Công ty TNHH MTV Xổ số kiến thiết Lạc Hồng", "DN_NHA_NUOC", "UBND"),
    ("CNS", "Công ty Cổ phần Cấp nước Lạc Hồng", "DN_NHA_NUOC", "UBND"),
    ("MTDT", "Công ty TNHH MTV Môi trường đô thị", "DN_NHA_NUOC", "TINH"),
    ("KTTL", "Công ty TNHH MTV Khai thác công trình thủy lợi", "DN_NHA_NUOC", "UBND"),
    ("LNG", "Công ty TNHH MTV Lâm nghiệp Sông Cầu", "DN_NHA_NUOC", "TINH"),
    ("XBIN", "Công ty TNHH MTV Xuất bản và In Lạc Hồng", "DN_NHA_NUOC", "TINH"),
    ("DIEN", "Công ty Điện lực Lạc Hồng", "DN_NHA_NUOC", "TINH"),
    ("NHCS", "Chi nhánh Ngân hàng Chính sách xã hội tỉnh", "DN_NHA_NUOC", "UBND"),
    ("NHNN", "Ngân hàng Nhà nước chi nhánh tỉnh", "HANH_CHINH", "UBND"),
    ("VKS", "Viện Kiểm sát nhân dân tỉnh", "HANH_CHINH", "DANG"),
    ("TAND", "Tòa án nhân dân tỉnh", "HANH_CHINH", "DANG"),
    ("HNB", "Hội Người mù tỉnh", "DANG_DOAN_THE", "DANG"),
    ("LHHKH", "Liên hiệp các hội khoa học và kỹ thuật tỉnh", "DANG_DOAN_THE", "DANG"),
]  # fmt: skip

# Templates for the further units when the committee is scaled up.
EXTRA_UNITS = [
    ("Trường Trung học phổ thông {person}", "SU_NGHIEP", "UBND"),
    ("Trung tâm Y tế huyện {district}", "SU_NGHIEP", "UBND"),
    ("Chi cục Thuế khu vực {district}", "HANH_CHINH", "UBND"),
    ("Bệnh viện Đa khoa khu vực {district}", "SU_NGHIEP", "UBND"),
    ("Ban Quản lý rừng phòng hộ {district}", "SU_NGHIEP", "UBND"),
    ("Trung tâm Giáo dục nghề nghiệp {district}", "SU_NGHIEP", "UBND"),
    ("Công ty Cổ phần Vận tải {district}", "DN_NHA_NUOC", "TINH"),
    ("Hội Chữ thập đỏ {district}", "DANG_DOAN_THE", "DANG"),
]  # fmt: skip

DEPARTMENTS = {
    "DANG_DOAN_THE": [
        "Văn phòng", "Phòng Tổ chức - Hành chính", "Phòng Tổng hợp", "Phòng Nghiệp vụ 1",
        "Phòng Nghiệp vụ 2", "Phòng Nghiệp vụ 3", "Phòng Kế hoạch - Tài chính", "Phòng Tuyên truyền",
        "Phòng Kiểm tra", "Phòng Phong trào", "Phòng Chính sách", "Phòng Đối ngoại",
    ],
    "HANH_CHINH": [
        "Văn phòng", "Thanh tra", "Phòng Tổ chức cán bộ", "Phòng Kế hoạch - Tài chính",
        "Phòng Pháp chế", "Phòng Quản lý chuyên ngành", "Chi cục thứ nhất", "Chi cục thứ hai",
        "Phòng Nghiệp vụ", "Trung tâm trực thuộc", "Phòng Hành chính - Quản trị", "Phòng Tổng hợp",
    ],
    "SU_NGHIEP": [
        "Khối Văn phòng", "Khoa thứ nhất", "Khoa thứ hai", "Khoa thứ ba", "Khoa thứ tư",
        "Phòng Đào tạo", "Phòng Kế hoạch - Tổng hợp", "Phòng Tài chính - Kế toán", "Tổ chuyên môn 1",
        "Tổ chuyên môn 2", "Trung tâm dịch vụ", "Phòng Quản trị",
    ],
    "DN_NHA_NUOC": [
        "Khối Văn phòng", "Phòng Kỹ thuật", "Phòng Kinh doanh", "Phòng Tài chính - Kế toán",
        "Xí nghiệp số 1", "Xí nghiệp số 2", "Xí nghiệp số 3", "Chi nhánh phía Bắc",
        "Chi nhánh phía Nam", "Đội sản xuất", "Phòng Vật tư", "Ban Điều hành dự án",
    ],
}  # fmt: skip

OCCUPATIONS = {
    "DANG_DOAN_THE": ["Công chức", "Công chức", "Viên chức", "Người lao động"],
    "HANH_CHINH": ["Công chức", "Công chức", "Công chức", "Viên chức"],
    "SU_NGHIEP": ["Viên chức", "Viên chức", "Bác sĩ", "Giảng viên", "Giáo viên", "Kỹ sư"],
    "DN_NHA_NUOC": ["Kỹ sư", "Công nhân", "Nhân viên", "Kế toán", "Người quản lý doanh nghiệp"],
}
