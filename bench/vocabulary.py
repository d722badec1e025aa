"""Words the benchmark's catalogue is made of: sectors, fields and procedure names as a
province's catalogue writes them. The names are built from real procedure names and the
qualifiers the catalogue uses to tell variants apart; they are realistic text for the search to
chew on, not a catalogue to publish (the demo catalogue is the verified one).
"""

from __future__ import annotations

# (sector code, sector name, [(field code, field name, [base names])])
SECTORS: list[tuple[str, str, list[tuple[str, str, list[str]]]]] = [
    (
        "TP",
        "Tư pháp",
        [
            (
                "TP-HT",
                "Hộ tịch",
                [
                    "Đăng ký khai sinh",
                    "Đăng ký khai tử",
                    "Đăng ký kết hôn",
                    "Đăng ký nhận cha, mẹ, con",
                    "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
                    "Đăng ký giám hộ",
                    "Đăng ký chấm dứt giám hộ",
                    "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
                    "Cấp bản sao trích lục hộ tịch",
                    "Cấp Giấy xác nhận tình trạng hôn nhân",
                    "Đăng ký lại khai sinh",
                    "Đăng ký lại kết hôn",
                    "Đăng ký lại khai tử",
                ],
            ),
            (
                "TP-CT",
                "Chứng thực",
                [
                    "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
                    "Chứng thực chữ ký trong các giấy tờ, văn bản",
                    "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản",
                    "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
                    "Chứng thực di chúc",
                    "Chứng thực văn bản thỏa thuận phân chia di sản",
                    "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực",
                ],
            ),
            (
                "TP-LLTP",
                "Lý lịch tư pháp",
                [
                    "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
                    "Cấp Phiếu lý lịch tư pháp cho người nước ngoài cư trú tại Việt Nam",
                    "Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng",
                ],
            ),
            (
                "TP-NCN",
                "Nuôi con nuôi",
                ["Đăng ký việc nuôi con nuôi trong nước", "Đăng ký lại việc nuôi con nuôi"],
            ),
            (
                "TP-TGPL",
                "Trợ giúp pháp lý",
                ["Yêu cầu trợ giúp pháp lý", "Thay đổi người thực hiện trợ giúp pháp lý"],
            ),
        ],
    ),
    (
        "XD",
        "Xây dựng",
        [
            (
                "XD-CPXD",
                "Cấp phép xây dựng",
                [
                    "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
                    "Cấp giấy phép xây dựng sửa chữa, cải tạo",
                    "Cấp giấy phép di dời công trình",
                    "Điều chỉnh giấy phép xây dựng",
                    "Gia hạn giấy phép xây dựng",
                    "Cấp lại giấy phép xây dựng",
                    "Cấp giấy phép xây dựng có thời hạn",
                ],
            ),
            (
                "XD-QH",
                "Quy hoạch xây dựng",
                [
                    "Cung cấp thông tin về quy hoạch xây dựng",
                    "Thẩm định nhiệm vụ quy hoạch chi tiết",
                    "Cấp giấy phép quy hoạch dự án đầu tư xây dựng",
                ],
            ),
            (
                "XD-NO",
                "Nhà ở",
                [
                    "Thuê nhà ở công vụ",
                    "Mua nhà ở xã hội",
                    "Công nhận chủ đầu tư dự án nhà ở thương mại",
                ],
            ),
        ],
    ),
    (
        "TNMT",
        "Tài nguyên và Môi trường",
        [
            (
                "TNMT-DD",
                "Đất đai",
                [
                    "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở lần đầu",
                    "Chuyển mục đích sử dụng đất",
                    "Đăng ký biến động quyền sử dụng đất",
                    "Tách thửa hoặc hợp thửa đất",
                    "Cấp đổi Giấy chứng nhận quyền sử dụng đất",
                    "Gia hạn sử dụng đất",
                    "Đính chính Giấy chứng nhận đã cấp",
                    "Xóa đăng ký cho thuê, cho thuê lại quyền sử dụng đất",
                ],
            ),
            (
                "TNMT-MT",
                "Môi trường",
                [
                    "Cấp giấy phép môi trường",
                    "Thẩm định báo cáo đánh giá tác động môi trường",
                    "Đăng ký môi trường",
                ],
            ),
            (
                "TNMT-TNN",
                "Tài nguyên nước",
                [
                    "Cấp giấy phép khai thác nước dưới đất",
                    "Cấp giấy phép xả nước thải vào nguồn nước",
                ],
            ),
        ],
    ),
    (
        "KHDT",
        "Kế hoạch và Đầu tư",
        [
            (
                "KHDT-DN",
                "Thành lập và phát triển doanh nghiệp",
                [
                    "Đăng ký thành lập doanh nghiệp tư nhân",
                    "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên",
                    "Đăng ký thành lập công ty cổ phần",
                    "Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
                    "Thông báo tạm ngừng kinh doanh",
                    "Giải thể doanh nghiệp",
                ],
            ),
            (
                "KHDT-HKD",
                "Hộ kinh doanh",
                [
                    "Đăng ký thành lập hộ kinh doanh",
                    "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
                    "Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn của hộ kinh doanh",
                    "Chấm dứt hoạt động hộ kinh doanh",
                ],
            ),
            (
                "KHDT-HTX",
                "Hợp tác xã",
                ["Đăng ký thành lập hợp tác xã", "Đăng ký thay đổi tên, địa chỉ hợp tác xã"],
            ),
            (
                "KHDT-DT",
                "Đầu tư tại Việt Nam",
                ["Chấp thuận chủ trương đầu tư", "Cấp Giấy chứng nhận đăng ký đầu tư"],
            ),
        ],
    ),
    (
        "GTVT",
        "Giao thông vận tải",
        [
            (
                "GTVT-DB",
                "Đường bộ",
                [
                    "Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp",
                    "Cấp lại giấy phép lái xe",
                    "Cấp giấy phép kinh doanh vận tải bằng xe ô tô",
                    "Cấp phù hiệu xe ô tô kinh doanh vận tải",
                    "Cấp giấy phép thi công công trình đường bộ",
                ],
            ),
            (
                "GTVT-DTND",
                "Đường thủy nội địa",
                [
                    "Đăng ký phương tiện thủy nội địa lần đầu",
                    "Xóa đăng ký phương tiện thủy nội địa",
                ],
            ),
        ],
    ),
    (
        "LDTBXH",
        "Lao động - Thương binh và Xã hội",
        [
            (
                "LD-BTXH",
                "Bảo trợ xã hội",
                [
                    "Thực hiện trợ cấp xã hội hằng tháng",
                    "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
                    "Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở trợ giúp xã hội",
                    "Xác định, xác định lại mức độ khuyết tật",
                ],
            ),
            (
                "LD-NCC",
                "Người có công",
                [
                    "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ",
                    "Cấp giấy chứng nhận thân nhân liệt sĩ",
                    "Hưởng trợ cấp khi người có công đang hưởng trợ cấp ưu đãi từ trần",
                ],
            ),
            (
                "LD-VL",
                "Việc làm",
                [
                    "Giải quyết hưởng trợ cấp thất nghiệp",
                    "Cấp giấy phép lao động cho người nước ngoài",
                ],
            ),
            (
                "LD-TE",
                "Trẻ em",
                [
                    "Áp dụng các biện pháp can thiệp khẩn cấp để bảo vệ trẻ em",
                    "Đăng ký nhận chăm sóc thay thế cho trẻ em",
                ],
            ),
        ],
    ),
    (
        "YT",
        "Y tế",
        [
            (
                "YT-KCB",
                "Khám bệnh, chữa bệnh",
                [
                    "Cấp giấy phép hoạt động đối với phòng khám đa khoa",
                    "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh",
                    "Cấp lại chứng chỉ hành nghề khám bệnh, chữa bệnh",
                ],
            ),
            (
                "YT-DUOC",
                "Dược phẩm",
                [
                    "Cấp Chứng chỉ hành nghề dược",
                    "Cấp Giấy chứng nhận đủ điều kiện kinh doanh dược",
                ],
            ),
            (
                "YT-ATTP",
                "An toàn thực phẩm",
                [
                    "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
                    "Cấp lại Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
                ],
            ),
        ],
    ),
    (
        "GDDT",
        "Giáo dục và Đào tạo",
        [
            (
                "GD-MN",
                "Giáo dục mầm non",
                [
                    "Thành lập trường mầm non công lập",
                    "Cho phép trường mầm non hoạt động giáo dục",
                    "Sáp nhập, chia, tách trường mầm non",
                ],
            ),
            (
                "GD-PT",
                "Giáo dục trung học",
                [
                    "Chuyển trường đối với học sinh trung học cơ sở",
                    "Xin học lại tại trường khác đối với học sinh trung học",
                ],
            ),
            (
                "GD-VB",
                "Văn bằng, chứng chỉ",
                [
                    "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
                    "Chỉnh sửa nội dung văn bằng, chứng chỉ",
                ],
            ),
        ],
    ),
    (
        "CT",
        "Công Thương",
        [
            (
                "CT-LTHH",
                "Lưu thông hàng hóa trong nước",
                [
                    "Cấp Giấy phép bán lẻ rượu",
                    "Cấp Giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh",
                    "Cấp Giấy phép bán lẻ sản phẩm thuốc lá",
                    "Cấp Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ xăng dầu",
                ],
            ),
            (
                "CT-DIEN",
                "Điện",
                ["Cấp giấy phép hoạt động điện lực", "Cấp thẻ kiểm tra viên điện lực"],
            ),
        ],
    ),
    (
        "NNPTNT",
        "Nông nghiệp và Phát triển nông thôn",
        [
            (
                "NN-TY",
                "Thú y",
                [
                    "Cấp giấy chứng nhận kiểm dịch động vật vận chuyển ra khỏi địa bàn cấp tỉnh",
                    "Cấp chứng chỉ hành nghề thú y",
                ],
            ),
            (
                "NN-BVTV",
                "Bảo vệ thực vật",
                ["Cấp Giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật"],
            ),
            ("NN-TS", "Thủy sản", ["Cấp giấy phép khai thác thủy sản", "Đăng ký tàu cá"]),
            (
                "NN-LN",
                "Lâm nghiệp",
                ["Phê duyệt phương án khai thác thực vật rừng", "Xác nhận bảng kê lâm sản"],
            ),
        ],
    ),
    (
        "VHTTDL",
        "Văn hóa, Thể thao và Du lịch",
        [
            (
                "VH-VHCS",
                "Văn hóa cơ sở",
                ["Công nhận danh hiệu Gia đình văn hóa", "Thông báo tổ chức lễ hội"],
            ),
            (
                "VH-DL",
                "Du lịch",
                [
                    "Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa",
                    "Công nhận cơ sở lưu trú du lịch",
                ],
            ),
        ],
    ),
    (
        "NV",
        "Nội vụ",
        [
            (
                "NV-TDKT",
                "Thi đua - Khen thưởng",
                [
                    "Tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã",
                    "Tặng danh hiệu Lao động tiên tiến",
                ],
            ),
            (
                "NV-TG",
                "Tín ngưỡng, tôn giáo",
                ["Đăng ký hoạt động tín ngưỡng", "Thông báo tổ chức quyên góp ngoài địa bàn"],
            ),
        ],
    ),
]

# How a catalogue tells variants of one procedure apart.
QUALIFIERS = [
    "",
    " có yếu tố nước ngoài",
    " tại cấp xã",
    " tại cấp huyện",
    " trong trường hợp bị mất, hư hỏng",
    " thực hiện liên thông",
    " đối với tổ chức",
    " đối với cá nhân",
    " theo thủ tục rút gọn",
    " cho người đang cư trú ở nước ngoài",
    " lưu động",
    " đối với trường hợp đã có hồ sơ, giấy tờ cá nhân",
]

FEE_NAMES = ["Lệ phí", "Phí thẩm định", "Lệ phí cấp giấy", "Phí cung cấp thông tin"]
COMPONENT_NAMES = [
    "Tờ khai theo mẫu",
    "Đơn đề nghị",
    "Bản sao Giấy tờ tùy thân",
    "Giấy tờ chứng minh nơi cư trú",
    "Văn bản ủy quyền (nếu có)",
    "Bản vẽ thiết kế",
    "Giấy chứng nhận quyền sử dụng đất",
    "Giấy chứng sinh",
]
STEPS = [
    "Bước 1: Tổ chức, cá nhân chuẩn bị hồ sơ và nộp tại Bộ phận Một cửa hoặc trực tuyến.",
    "Bước 2: Công chức tiếp nhận kiểm tra hồ sơ; hồ sơ đầy đủ thì viết giấy tiếp nhận và hẹn trả kết quả.",
    "Bước 3: Cơ quan có thẩm quyền thẩm định, giải quyết hồ sơ.",
    "Bước 4: Trả kết quả tại Bộ phận Một cửa hoặc qua dịch vụ bưu chính.",
]

DISTRICTS = [
    ("930", "Thành phố Vị Thanh", "Thành phố"),
    ("931", "Thành phố Ngã Bảy", "Thành phố"),
    ("932", "Huyện Châu Thành A", "Huyện"),
    ("933", "Huyện Châu Thành", "Huyện"),
    ("934", "Huyện Phụng Hiệp", "Huyện"),
    ("935", "Huyện Vị Thủy", "Huyện"),
    ("936", "Huyện Long Mỹ", "Huyện"),
    ("937", "Thị xã Long Mỹ", "Thị xã"),
]
COMMUNE_NAMES = ["Hòa An", "Tân Bình", "Thạnh Xuân", "Long Thạnh", "Vị Đông", "Phương Bình"]
DEPARTMENTS = [
    ("Sở Tư pháp", "TP"),
    ("Sở Xây dựng", "XD"),
    ("Sở Tài nguyên và Môi trường", "TNMT"),
    ("Sở Kế hoạch và Đầu tư", "KHDT"),
    ("Sở Giao thông vận tải", "GTVT"),
    ("Sở Lao động - Thương binh và Xã hội", "LDTBXH"),
    ("Sở Y tế", "YT"),
    ("Sở Giáo dục và Đào tạo", "GDDT"),
    ("Sở Công Thương", "CT"),
    ("Sở Nông nghiệp và Phát triển nông thôn", "NNPTNT"),
    ("Sở Văn hóa, Thể thao và Du lịch", "VHTTDL"),
    ("Sở Nội vụ", "NV"),
]
