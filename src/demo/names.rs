//! Realistic names for the demo organisation: supplier companies in English
//! and Chinese, and their contact people.
//!
//! Company names are built from parts, the way Chinese manufacturers are
//! actually named: city + brand-like stem + trade + legal form, e.g.
//! "Dongguan Huake Precision Electronics Co., Ltd." / "东莞华科精密电子有限公司".
//! Suppliers outside mainland China get names in their local style
//! ("Hsin Yuan Technology Co., Ltd.", "Kowa Denshi K.K.", "Minh Phat
//! Electronics JSC"); Taiwan, Hong Kong and Macao ones also get a Chinese
//! name.
//!
//! Everything is a pure function of the `pick` numbers the caller passes, so
//! a fixed seed gives the same organisation every time. [`NameBook`]
//! remembers what it has handed out and never repeats a name: it first tries
//! other combinations, and when a combination has to repeat it appends a
//! plant qualifier ("(Plant 2)" / "二厂"), as real second factories are named.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// Chinese manufacturing cities: (Chinese, English, administrative division
/// code of GB/T 2260 used in positions 3–8 of a Unified Social Credit Code,
/// weight). The weights put most suppliers in the Pearl and Yangtze River
/// deltas, as in a real electronics supply base.
pub const CITIES: &[(&str, &str, &str, u32)] = &[
    ("深圳", "Shenzhen", "440300", 8),
    ("东莞", "Dongguan", "441900", 8),
    ("苏州", "Suzhou", "320500", 5),
    ("昆山", "Kunshan", "320583", 4),
    ("惠州", "Huizhou", "441300", 4),
    ("重庆", "Chongqing", "500000", 3),
    ("成都", "Chengdu", "510100", 3),
    ("郑州", "Zhengzhou", "410100", 3),
    ("武汉", "Wuhan", "420100", 3),
    ("合肥", "Hefei", "340100", 3),
    ("宁波", "Ningbo", "330200", 2),
    ("厦门", "Xiamen", "350200", 2),
    ("天津", "Tianjin", "120000", 2),
    ("南昌", "Nanchang", "360100", 2),
    ("江门", "Jiangmen", "440700", 2),
    ("广州", "Guangzhou", "440100", 3),
    ("珠海", "Zhuhai", "440400", 2),
    ("佛山", "Foshan", "440600", 2),
    ("中山", "Zhongshan", "442000", 2),
    ("上海", "Shanghai", "310000", 3),
    ("北京", "Beijing", "110000", 1),
    ("杭州", "Hangzhou", "330100", 2),
    ("无锡", "Wuxi", "320200", 2),
    ("常州", "Changzhou", "320400", 2),
    ("南京", "Nanjing", "320100", 2),
    ("南通", "Nantong", "320600", 1),
    ("西安", "Xi'an", "610100", 1),
    ("长沙", "Changsha", "430100", 2),
    ("青岛", "Qingdao", "370200", 1),
    ("烟台", "Yantai", "370600", 1),
    ("大连", "Dalian", "210200", 1),
    ("绵阳", "Mianyang", "510700", 1),
    ("赣州", "Ganzhou", "360700", 1),
    ("吉安", "Ji'an", "360800", 1),
    ("宜宾", "Yibin", "511500", 1),
    ("信阳", "Xinyang", "411500", 1),
    ("汕头", "Shantou", "440500", 1),
    ("漳州", "Zhangzhou", "350600", 1),
    ("太原", "Taiyuan", "140100", 1),
    ("贵阳", "Guiyang", "520100", 1),
];

/// Brand-like stems of mainland company names: (Chinese, pinyin). Made up
/// from common auspicious characters; well-known brands are left out.
pub const STEMS: &[(&str, &str)] = &[
    ("华科", "Huake"),
    ("立信", "Lixin"),
    ("精诚", "Jingcheng"),
    ("瑞丰", "Ruifeng"),
    ("鸿达", "Hongda"),
    ("金鑫", "Jinxin"),
    ("宏图", "Hongtu"),
    ("恒通", "Hengtong"),
    ("盛达", "Shengda"),
    ("永泰", "Yongtai"),
    ("新力", "Xinli"),
    ("德润", "Derun"),
    ("天宇", "Tianyu"),
    ("汇能", "Huineng"),
    ("聚源", "Juyuan"),
    ("兴旺", "Xingwang"),
    ("中科", "Zhongke"),
    ("嘉盛", "Jiasheng"),
    ("东升", "Dongsheng"),
    ("旭日", "Xuri"),
    ("创新", "Chuangxin"),
    ("华晟", "Huasheng"),
    ("宇航", "Yuhang"),
    ("博达", "Boda"),
    ("博远", "Boyuan"),
    ("凯达", "Kaida"),
    ("凯盛", "Kaisheng"),
    ("鼎力", "Dingli"),
    ("鼎盛", "Dingsheng"),
    ("广信", "Guangxin"),
    ("广源", "Guangyuan"),
    ("富强", "Fuqiang"),
    ("福源", "Fuyuan"),
    ("利达", "Lida"),
    ("利和", "Lihe"),
    ("隆鑫", "Longxin"),
    ("明辉", "Minghui"),
    ("铭扬", "Mingyang"),
    ("普瑞", "Purui"),
    ("启航", "Qihang"),
    ("群达", "Qunda"),
    ("荣信", "Rongxin"),
    ("润和", "Runhe"),
    ("三禾", "Sanhe"),
    ("上品", "Shangpin"),
    ("胜利", "Shengli"),
    ("顺达", "Shunda"),
    ("泰和", "Taihe"),
    ("腾飞", "Tengfei"),
    ("通达", "Tongda"),
    ("万通", "Wantong"),
    ("伟业", "Weiye"),
    ("协和", "Xiehe"),
    ("鑫源", "Xinyuan"),
    ("信达", "Xinda"),
    ("亚泰", "Yatai"),
    ("耀华", "Yaohua"),
    ("亿丰", "Yifeng"),
    ("毅达", "Yida"),
    ("英杰", "Yingjie"),
    ("优联", "Youlian"),
    ("裕丰", "Yufeng"),
    ("远航", "Yuanhang"),
    ("兆丰", "Zhaofeng"),
    ("振华", "Zhenhua"),
    ("正和", "Zhenghe"),
    ("志诚", "Zhicheng"),
    ("智通", "Zhitong"),
    ("卓越", "Zhuoyue"),
    ("宝力", "Baoli"),
    ("奔腾", "Benteng"),
    ("倍特", "Beite"),
    ("晨阳", "Chenyang"),
    ("诚达", "Chengda"),
    ("崇德", "Chongde"),
    ("大成", "Dacheng"),
    ("德丰", "Defeng"),
    ("丰泽", "Fengze"),
    ("冠达", "Guanda"),
    ("国泰", "Guotai"),
    ("海昌", "Haichang"),
    ("汉达", "Handa"),
    ("和盛", "Hesheng"),
    ("弘毅", "Hongyi"),
    ("华茂", "Huamao"),
    ("辉煌", "Huihuang"),
    ("吉祥", "Jixiang"),
    ("佳利", "Jiali"),
    ("建业", "Jianye"),
    ("金桥", "Jinqiao"),
    ("锦泰", "Jintai"),
    ("巨能", "Juneng"),
    ("康达", "Kangda"),
    ("蓝海", "Lanhai"),
    ("朗润", "Langrun"),
    ("联创", "Lianchuang"),
    ("龙腾", "Longteng"),
    ("美达", "Meida"),
    ("铭泰", "Mingtai"),
    ("旗胜", "Qisheng"),
    ("赛尔", "Saier"),
    ("森泰", "Sentai"),
    ("尚德", "Shangde"),
    ("世纪", "Shiji"),
    ("拓普", "Tuopu"),
    ("天瑞", "Tianrui"),
    ("维科", "Weike"),
    ("祥和", "Xianghe"),
    ("星辰", "Xingchen"),
    ("迅达", "Xunda"),
    ("扬帆", "Yangfan"),
    ("一诺", "Yinuo"),
    ("益佳", "Yijia"),
    ("永兴", "Yongxing"),
    ("友诚", "Youcheng"),
    ("泽华", "Zehua"),
    ("展鹏", "Zhanpeng"),
    ("众诚", "Zhongcheng"),
    ("卓达", "Zhuoda"),
];

/// What a company in a supplier category calls its trade: (English,
/// Chinese). The same English phrase always has the same Chinese one, across
/// categories, so a name translates one way only.
fn trades(category: &str) -> &'static [(&'static str, &'static str)] {
    match category {
        "display" => &[
            ("Display Technology", "显示科技"),
            ("Optoelectronics", "光电"),
            ("Optoelectronic Technology", "光电科技"),
            ("Touch Display", "触控显示"),
            ("Display", "显示"),
            ("LCD Technology", "液晶科技"),
            ("Display Devices", "显示器件"),
            ("Photoelectric Display", "光电显示"),
            ("Backlight Technology", "背光科技"),
            ("Glass Technology", "玻璃科技"),
            ("Touch Technology", "触控科技"),
            ("Display Materials", "显示材料"),
        ],
        "battery" => &[
            ("Battery", "电池"),
            ("New Energy", "新能源"),
            ("Lithium Energy", "锂能"),
            ("Power Technology", "电源科技"),
            ("Energy Technology", "能源科技"),
            ("Battery Technology", "电池科技"),
            ("Power Supply", "电源"),
            ("Cell Technology", "电芯科技"),
            ("Energy Storage", "储能"),
            ("Battery Materials", "电池材料"),
            ("Lithium Battery", "锂电池"),
        ],
        "camera_module" => &[
            ("Optical", "光学"),
            ("Imaging Technology", "影像科技"),
            ("Optoelectronics", "光电"),
            ("Optical Technology", "光学科技"),
            ("Imaging", "影像"),
            ("Vision Technology", "视觉科技"),
            ("Optical Instruments", "光学仪器"),
            ("Precision Optics", "精密光学"),
            ("Optoelectronic Technology", "光电科技"),
            ("Camera Technology", "摄像科技"),
        ],
        "pcb" => &[
            ("Circuit Technology", "电路科技"),
            ("Circuit Board", "线路板"),
            ("Printed Circuit", "印制电路"),
            ("Circuit", "电路"),
            ("Electronics", "电子"),
            ("Multilayer Circuit", "多层线路"),
            ("Flexible Circuit", "柔性线路"),
            ("FPC Technology", "软板科技"),
            ("Electronic Technology", "电子科技"),
            ("Substrate Technology", "基板科技"),
        ],
        "structural_parts" => &[
            ("Precision Electronics", "精密电子"),
            ("Precision", "精密"),
            ("Precision Industry", "精密工业"),
            ("Plastics", "塑胶"),
            ("Plastic Products", "塑胶制品"),
            ("Metal", "五金"),
            ("Metal Products", "五金制品"),
            ("Hardware Technology", "五金科技"),
            ("Mould", "模具"),
            ("Die Casting", "压铸"),
            ("Precision Metal", "精密五金"),
            ("Plastic Technology", "塑胶科技"),
            ("Precision Mould", "精密模具"),
            ("Metal Technology", "金属科技"),
            ("New Materials", "新材料"),
        ],
        "acoustics" => &[
            ("Acoustics", "声学"),
            ("Electroacoustic", "电声"),
            ("Acoustic Technology", "声学科技"),
            ("Audio", "音响"),
            ("Audio Technology", "音频科技"),
            ("Electroacoustic Technology", "电声科技"),
            ("Speaker", "扬声器"),
            ("Audio Electronics", "音响电子"),
            ("Microphone Technology", "麦克风科技"),
        ],
        "packaging" => &[
            ("Packaging", "包装"),
            ("Paper Products", "纸品"),
            ("Printing", "印刷"),
            ("Color Printing", "彩印"),
            ("Packaging Materials", "包装材料"),
            ("Packaging Technology", "包装科技"),
            ("Printing and Packaging", "印刷包装"),
            ("Paper Industry", "纸业"),
            ("Packaging Products", "包装制品"),
            ("Carton", "纸箱"),
        ],
        "semiconductors" => &[
            ("Semiconductor", "半导体"),
            ("Microelectronics", "微电子"),
            ("Integrated Circuit", "集成电路"),
            ("Semiconductor Technology", "半导体科技"),
            ("Chip Technology", "芯片科技"),
            ("Microelectronic Technology", "微电子科技"),
            ("Electronic Components", "电子元件"),
            ("Components", "元器件"),
            ("Power Devices", "功率器件"),
            ("Sensor Technology", "传感科技"),
            ("Sensing", "传感"),
        ],
        "connectors" => &[
            ("Connector", "连接器"),
            ("Cable", "线缆"),
            ("Wire and Cable", "电线电缆"),
            ("Connector Technology", "连接器科技"),
            ("Terminal", "端子"),
            ("Electronic Wire", "电子线材"),
            ("Interconnect Technology", "互连科技"),
            ("Precision Connector", "精密连接器"),
            ("Cable Technology", "线缆科技"),
            ("Electronics", "电子"),
        ],
        "logistics" => &[
            ("Logistics", "物流"),
            ("Supply Chain", "供应链"),
            ("Supply Chain Management", "供应链管理"),
            ("Transport", "运输"),
            ("Freight", "货运"),
            ("International Logistics", "国际物流"),
            ("Warehousing", "仓储"),
        ],
        "facility_services" => &[
            ("Property Management", "物业管理"),
            ("Cleaning Services", "保洁服务"),
            ("Security Services", "保安服务"),
            ("Facility Services", "设施服务"),
            ("Environmental Services", "环境服务"),
            ("Engineering Services", "工程服务"),
        ],
        "it_services" => &[
            ("Information Technology", "信息技术"),
            ("Software", "软件"),
            ("Network Technology", "网络科技"),
            ("Digital Technology", "数字科技"),
            ("Information Systems", "信息系统"),
        ],
        "office_services" => &[
            ("Office Supplies", "办公用品"),
            ("Business Services", "商务服务"),
            ("Trading", "贸易"),
            ("Consulting", "咨询"),
            ("Human Resources", "人力资源"),
            ("Labour Services", "劳务服务"),
        ],
        "catering" => &[
            ("Catering", "餐饮"),
            ("Catering Management", "餐饮管理"),
            ("Catering Services", "餐饮服务"),
        ],
        // "assembly" and anything not listed above.
        _ => &[
            ("Electronics", "电子"),
            ("Electronic Technology", "电子科技"),
            ("Smart Technology", "智能科技"),
            ("Communication Technology", "通讯科技"),
            ("Intelligent Manufacturing", "智能制造"),
            ("Communication Equipment", "通讯设备"),
            ("Precision Manufacturing", "精密制造"),
            ("Electrical Appliances", "电器"),
            ("Smart Devices", "智能设备"),
            ("Industrial", "实业"),
            ("Technology", "科技"),
        ],
    }
}

/// Every category [`trades`] knows by name, for tests and callers.
pub const CATEGORIES: &[&str] = &[
    "display",
    "battery",
    "camera_module",
    "pcb",
    "structural_parts",
    "acoustics",
    "packaging",
    "semiconductors",
    "connectors",
    "assembly",
    "logistics",
    "facility_services",
    "it_services",
    "office_services",
    "catering",
];

/// A short English word for a category, as overseas companies put their
/// trade in their name ("Hanil Optics", "Pioneer Semiconductor").
fn trade_words(category: &str) -> &'static [&'static str] {
    match category {
        "display" => &["Display", "Optoelectronics", "Display Technology"],
        "battery" => &["Energy", "Battery", "Power"],
        "camera_module" => &["Optical", "Optics", "Imaging"],
        "pcb" => &["Circuits", "Circuit Technology", "PCB"],
        "structural_parts" => &["Precision", "Metal", "Plastics", "Industries"],
        "acoustics" => &["Acoustics", "Audio", "Sound"],
        "packaging" => &["Packaging", "Printing", "Paper"],
        "semiconductors" => &["Semiconductor", "Microelectronics", "Devices"],
        "connectors" => &["Connectors", "Cable", "Interconnect"],
        "logistics" => &["Logistics", "Freight", "Transport"],
        "facility_services" => &["Facility Services", "Services"],
        "it_services" => &["IT Services", "Systems"],
        "office_services" => &["Business Services", "Office Supplies"],
        "catering" => &["Catering", "Food Services"],
        _ => &["Electronics", "Manufacturing", "Technologies"],
    }
}

/// How a country's company names are put together.
#[derive(Clone, Copy)]
enum Pattern {
    /// "Kowa Denshi K.K.": stem, trade, legal form.
    StemTrade,
    /// "PT Sinar Elektronik": "PT", stem, trade.
    Indonesian,
    /// "Industrias del Norte, S.A. de C.V.": trade, stem, legal form.
    TradeStem,
}

struct Style {
    /// (romanised stem, Chinese stem or "" when names carry no Chinese).
    stems: &'static [(&'static str, &'static str)],
    /// Trade words that do not depend on the category (local language).
    words: &'static [&'static str],
    /// Whether the category's trade word may stand in for a local one.
    category_words: bool,
    /// Chinese-style names (Taiwan, Hong Kong, Macao): the trade is a
    /// Chinese trade phrase and the name has a Chinese form.
    chinese: bool,
    /// Prefix of both forms, e.g. ("Macau", "澳门").
    prefix: (&'static str, &'static str),
    /// (legal form as appended to the English name, Chinese legal form).
    legal: &'static [(&'static str, &'static str)],
    pattern: Pattern,
}

const TW_STEMS: &[(&str, &str)] = &[
    ("Hsin Yuan", "新源"),
    ("Hung Yuan", "宏远"),
    ("Chien Hsing", "建兴"),
    ("Lien Hwa", "联华"),
    ("Ta Chan", "大展"),
    ("Hua Li", "华立"),
    ("Kuang Hua", "光华"),
    ("Chen Hua", "振华"),
    ("Chia Lien", "嘉联"),
    ("Kuo Feng", "国丰"),
    ("Chih Sheng", "志圣"),
    ("Fu Ching", "富晶"),
    ("Tai Kuang", "台光"),
    ("Yung Chieh", "永捷"),
    ("Chang Hua", "长华"),
    ("Chuan Hsing", "全兴"),
    ("Wei Chuang", "伟创"),
    ("Hsin Chang", "信昌"),
    ("Chih Yuan", "致远"),
    ("Sheng Ta", "升达"),
    ("Chia Shih", "佳世"),
    ("Jung Hsing", "荣星"),
    ("Chih Ta", "智达"),
    ("Chun Yi", "群益"),
    ("Li Te", "立德"),
    ("Mao Ta", "茂达"),
    ("Hsin Jung", "欣荣"),
    ("Ming Hung", "铭鸿"),
    ("Pao Ta", "宝达"),
    ("Kuan Yu", "冠宇"),
    ("Tung Ho", "东和"),
    ("Ya Tai", "亚泰"),
    ("Jui Hsiang", "瑞祥"),
    ("Ching Hua", "晶华"),
    ("Hua Mao", "华懋"),
    ("Yi Sheng", "亿晟"),
];

const HK_STEMS: &[(&str, &str)] = &[
    ("Wing Fat", "永发"),
    ("Lee Tat", "利达"),
    ("Wang Tat", "宏达"),
    ("Tak Shun", "德信"),
    ("Man Lee", "万利"),
    ("Ka Wah", "嘉华"),
    ("Sun Wah", "新华"),
    ("Hang Cheong", "恒昌"),
    ("Tai Fung", "泰丰"),
    ("Wai Yip", "伟业"),
    ("Hing Lung", "兴隆"),
    ("Wing Fung", "荣丰"),
    ("Shun Tat", "信达"),
    ("Hop Hing", "合兴"),
    ("On Tat", "安达"),
    ("Lai Wah", "丽华"),
    ("Kin Wah", "建华"),
    ("Kam Lee", "金利"),
    ("Fu Wah", "富华"),
    ("Wah Cheong", "华昌"),
    ("May Tat", "美达"),
    ("Tung Fong", "东方"),
    ("Tai Fook", "大福"),
    ("Tin Lee", "天利"),
    ("Kwok Wah", "国华"),
    ("Chi Shing", "志成"),
    ("Wing Hing", "永兴"),
    ("Yee Fung", "怡丰"),
    ("Yue Wah", "裕华"),
    ("Po Sang", "宝生"),
];

const JP_STEMS: &[(&str, &str)] = &[
    ("Kowa", ""),
    ("Sanwa", ""),
    ("Daiwa", ""),
    ("Taiyo", ""),
    ("Tokai", ""),
    ("Chuo", ""),
    ("Hokuto", ""),
    ("Meiwa", ""),
    ("Asahi", ""),
    ("Seiwa", ""),
    ("Kyowa", ""),
    ("Showa", ""),
    ("Toyo", ""),
    ("Shinwa", ""),
    ("Yamato", ""),
    ("Kansai", ""),
    ("Hikari", ""),
    ("Aoba", ""),
    ("Sakura", ""),
    ("Koyo", ""),
    ("Ryowa", ""),
    ("Nissei", ""),
    ("Tohoku", ""),
    ("Shinko", ""),
];

const KR_STEMS: &[(&str, &str)] = &[
    ("Hanil", ""),
    ("Daesung", ""),
    ("Sejin", ""),
    ("Woojin", ""),
    ("Dongbang", ""),
    ("Sungwoo", ""),
    ("Hanyang", ""),
    ("Jinyoung", ""),
    ("Daehan", ""),
    ("Samwon", ""),
    ("Shinsung", ""),
    ("Taewoo", ""),
    ("Mirae", ""),
    ("Youngjin", ""),
    ("Dongil", ""),
    ("Hanbit", ""),
    ("Seyoung", ""),
    ("Ilshin", ""),
    ("Kyungwon", ""),
    ("Bokwang", ""),
];

const VN_STEMS: &[(&str, &str)] = &[
    ("Minh Phat", ""),
    ("Thanh Cong", ""),
    ("Hoa Binh", ""),
    ("An Phat", ""),
    ("Phu Thai", ""),
    ("Viet Tien", ""),
    ("Hung Thinh", ""),
    ("Tan Phat", ""),
    ("Dai Viet", ""),
    ("Sao Mai", ""),
    ("Hong Ha", ""),
    ("Thien An", ""),
    ("Phuc Loc", ""),
    ("Nam Viet", ""),
    ("Bao Minh", ""),
    ("Kim Long", ""),
    ("Truong Thanh", ""),
    ("Duc Thanh", ""),
];

const IN_STEMS: &[(&str, &str)] = &[
    ("Shree Ganesh", ""),
    ("Bharat", ""),
    ("Sai", ""),
    ("Laxmi", ""),
    ("Sunrise", ""),
    ("Vardhman", ""),
    ("Krishna", ""),
    ("Jyoti", ""),
    ("Navkar", ""),
    ("Apex", ""),
    ("Sigma", ""),
    ("Kaveri", ""),
    ("Ganga", ""),
    ("Mahalaxmi", ""),
    ("Balaji", ""),
    ("Shivam", ""),
];

const MY_STEMS: &[(&str, &str)] = &[
    ("Sinaran", ""),
    ("Perdana", ""),
    ("Mutiara", ""),
    ("Cahaya", ""),
    ("Seri Jaya", ""),
    ("Hup Lee", ""),
    ("Kian Huat", ""),
    ("Eng Teik", ""),
    ("Soon Hin", ""),
    ("Bayu", ""),
    ("Intan", ""),
    ("Gemilang", ""),
    ("Sin Hwa", ""),
    ("Penang", ""),
];

const TH_STEMS: &[(&str, &str)] = &[
    ("Siam", ""),
    ("Chaiyo", ""),
    ("Sombat", ""),
    ("Rattana", ""),
    ("Charoen", ""),
    ("Sukhum", ""),
    ("Prasit", ""),
    ("Wattana", ""),
    ("Pattana", ""),
    ("Thai Union", ""),
    ("Chonburi", ""),
    ("Ayutthaya", ""),
];

const SG_STEMS: &[(&str, &str)] = &[
    ("Anchor", ""),
    ("Harbour", ""),
    ("Straits", ""),
    ("Pacific", ""),
    ("Eastgate", ""),
    ("Kallang", ""),
    ("Jurong", ""),
    ("Tampines", ""),
    ("Bedok", ""),
    ("Orchid", ""),
    ("Lion Peak", ""),
    ("Marina", ""),
];

const US_STEMS: &[(&str, &str)] = &[
    ("Pioneer", ""),
    ("Summit", ""),
    ("Redwood", ""),
    ("Cascade", ""),
    ("Liberty", ""),
    ("Keystone", ""),
    ("Northstar", ""),
    ("Granite", ""),
    ("Lakeside", ""),
    ("Evergreen", ""),
    ("Bayview", ""),
    ("Sierra", ""),
    ("Frontier", ""),
    ("Patriot", ""),
    ("Meridian", ""),
    ("Ridgeline", ""),
];

const DE_STEMS: &[(&str, &str)] = &[
    ("Berger", ""),
    ("Keller", ""),
    ("Wagner", ""),
    ("Bauer", ""),
    ("Richter", ""),
    ("Krause", ""),
    ("Lang", ""),
    ("Vogel", ""),
    ("Braun", ""),
    ("Hartmann", ""),
    ("Neumann", ""),
    ("Schwarz", ""),
    ("Zimmermann", ""),
    ("Kraus", ""),
    ("Lorenz", ""),
    ("Brandt", ""),
];

const MX_STEMS: &[(&str, &str)] = &[
    ("del Norte", ""),
    ("Moreno", ""),
    ("Garza", ""),
    ("Villarreal", ""),
    ("del Bajío", ""),
    ("Azteca", ""),
    ("Águila", ""),
    ("Sierra Madre", ""),
    ("Juárez", ""),
    ("Regiomontana", ""),
    ("del Pacífico", ""),
    ("Guadalajara", ""),
];

const ID_STEMS: &[(&str, &str)] = &[
    ("Sinar", ""),
    ("Mitra", ""),
    ("Cahaya", ""),
    ("Karya", ""),
    ("Maju", ""),
    ("Jaya Abadi", ""),
    ("Sentosa", ""),
    ("Bintang", ""),
    ("Surya", ""),
    ("Mega", ""),
    ("Prima", ""),
    ("Tunas", ""),
    ("Sumber", ""),
    ("Berkat", ""),
    ("Anugerah", ""),
    ("Harapan", ""),
];

const PH_STEMS: &[(&str, &str)] = &[
    ("Pacific", ""),
    ("Luzon", ""),
    ("Cebu", ""),
    ("Mabuhay", ""),
    ("Bayanihan", ""),
    ("Visayas", ""),
    ("Laguna", ""),
    ("Batangas", ""),
    ("Maharlika", ""),
    ("Cavite", ""),
    ("Mindanao", ""),
    ("Sampaguita", ""),
];

const GENERIC_STEMS: &[(&str, &str)] = &[
    ("Global", ""),
    ("Apex", ""),
    ("Vertex", ""),
    ("Orion", ""),
    ("Nova", ""),
    ("Atlas", ""),
    ("Zenith", ""),
    ("Polaris", ""),
];

const ENGLISH_WORDS: &[&str] = &[
    "Electronics",
    "Technology",
    "Components",
    "Industries",
    "Precision",
];

fn style(country: &str) -> Style {
    let plain = |stems, words, legal| Style {
        stems,
        words,
        category_words: true,
        chinese: false,
        prefix: ("", ""),
        legal,
        pattern: Pattern::StemTrade,
    };
    match country {
        "TW" => Style {
            stems: TW_STEMS,
            words: &[],
            category_words: true,
            chinese: true,
            prefix: ("", ""),
            legal: &[
                (" Co., Ltd.", "股份有限公司"),
                (" Corporation", "股份有限公司"),
                (" Co., Ltd.", "有限公司"),
            ],
            pattern: Pattern::StemTrade,
        },
        "HK" => Style {
            stems: HK_STEMS,
            words: &[],
            category_words: true,
            chinese: true,
            prefix: ("", ""),
            legal: &[(" Limited", "有限公司"), (" Company Limited", "有限公司")],
            pattern: Pattern::StemTrade,
        },
        "MO" => Style {
            stems: HK_STEMS,
            words: &[],
            category_words: true,
            chinese: true,
            prefix: ("Macau", "澳门"),
            legal: &[(" Company Limited", "有限公司")],
            pattern: Pattern::StemTrade,
        },
        "JP" => plain(
            JP_STEMS,
            &[
                "Denshi",
                "Seimitsu",
                "Kogyo",
                "Denki",
                "Electric",
                "Seisakusho",
                "Industries",
            ],
            &[(" Co., Ltd.", ""), (" K.K.", ""), (" Corporation", "")],
        ),
        "KR" => plain(
            KR_STEMS,
            &[
                "Components",
                "Tech",
                "Electronics",
                "Precision",
                "Industrial",
            ],
            &[(" Co., Ltd.", ""), (" Corp.", "")],
        ),
        "VN" => plain(
            VN_STEMS,
            &["Electronics", "Technology", "Mechanical", "Components"],
            &[
                (" JSC", ""),
                (" Co., Ltd.", ""),
                (" Joint Stock Company", ""),
            ],
        ),
        "IN" => plain(
            IN_STEMS,
            &["Electronics", "Technologies", "Industries", "Components"],
            &[(" Pvt. Ltd.", ""), (" Private Limited", ""), (" Ltd.", "")],
        ),
        "MY" => plain(
            MY_STEMS,
            &["Electronics", "Technology", "Precision", "Industries"],
            &[(" Sdn. Bhd.", ""), (" Berhad", "")],
        ),
        "TH" => plain(
            TH_STEMS,
            &["Electronics", "Industry", "Precision", "Technology"],
            &[(" Co., Ltd.", ""), (" Public Company Limited", "")],
        ),
        "SG" => plain(SG_STEMS, ENGLISH_WORDS, &[(" Pte. Ltd.", "")]),
        "US" => plain(
            US_STEMS,
            &[
                "Technologies",
                "Devices",
                "Materials",
                "Components",
                "Instruments",
            ],
            &[(" Inc.", ""), (" Corp.", ""), (" LLC", "")],
        ),
        "DE" => Style {
            stems: DE_STEMS,
            words: &[
                "Elektronik",
                "Technik",
                "Feinwerktechnik",
                "Präzisionstechnik",
                "Kunststofftechnik",
                "Sensorik",
                "Optik",
                "Komponenten",
                "Verpackung",
            ],
            category_words: false,
            chinese: false,
            prefix: ("", ""),
            legal: &[(" GmbH", ""), (" GmbH & Co. KG", ""), (" AG", "")],
            pattern: Pattern::StemTrade,
        },
        "MX" => Style {
            stems: MX_STEMS,
            words: &[
                "Industrias",
                "Electrónica",
                "Plásticos",
                "Empaques",
                "Ensambles",
                "Manufacturas",
                "Componentes",
            ],
            category_words: false,
            chinese: false,
            prefix: ("", ""),
            legal: &[(", S.A. de C.V.", ""), (", S. de R.L. de C.V.", "")],
            pattern: Pattern::TradeStem,
        },
        "ID" => Style {
            stems: ID_STEMS,
            words: &[
                "Elektronik",
                "Teknik",
                "Plastik",
                "Kemasan",
                "Industri",
                "Komponen",
                "Presisi",
                "Teknologi",
            ],
            category_words: false,
            chinese: false,
            prefix: ("", ""),
            legal: &[("", ""), (" Indonesia", "")],
            pattern: Pattern::Indonesian,
        },
        "PH" => plain(
            PH_STEMS,
            &["Electronics", "Technologies", "Industries", "Manufacturing"],
            &[(" Inc.", ""), (" Corporation", "")],
        ),
        _ => plain(GENERIC_STEMS, ENGLISH_WORDS, &[(" Ltd.", "")]),
    }
}

/// A company name in both forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyName {
    /// Legal name in English (or the local Latin-script form).
    pub name: String,
    /// Legal name in Chinese; empty where a Chinese name would not be natural.
    pub name_local: String,
    /// ASCII slug of the name without its legal form, unique per
    /// [`NameBook`]: "dongguan-huake-precision-electronics". Good for an
    /// e-mail domain.
    pub slug: String,
    /// Administrative division code of the company's city (mainland China
    /// only), for its Unified Social Credit Code.
    pub division: Option<&'static str>,
}

/// The pieces of a company name, before it is written out.
#[derive(Debug, Clone, Copy)]
struct Parts {
    /// The name without its legal form, word by word ("" = no word).
    words: [&'static str; 3],
    /// Legal form as appended to the English name: " Co., Ltd.".
    legal: &'static str,
    /// The Chinese name in pieces; all empty when there is none.
    local: [&'static str; 4],
    division: Option<&'static str>,
}

impl Parts {
    /// Appends the slug of the name without its legal form (and with the
    /// plant, if any) to `out`.
    fn push_slug(&self, plant: Option<u32>, out: &mut String) {
        for word in self.words {
            push_slug(word, out);
        }
        if let Some(number) = plant {
            out.push_str("-plant-");
            out.push_str(&number.to_string());
        }
    }

    /// The name written out; `plant` n gives the company's nth plant:
    /// "… Co., Ltd. (Plant 2)" / "…有限公司二厂".
    fn company(&self, plant: Option<u32>) -> CompanyName {
        let mut name = join(&self.words);
        name.push_str(self.legal);
        let mut name_local = self.local.concat();
        let mut slug = String::with_capacity(name.len());
        self.push_slug(plant, &mut slug);
        if let Some(number) = plant {
            name.push_str(&format!(" (Plant {number})"));
            if !name_local.is_empty() {
                name_local.push_str(&chinese_number(number));
                name_local.push('厂');
            }
        }
        CompanyName {
            name,
            name_local,
            slug,
            division: self.division,
        }
    }
}

/// Hands out company names, never the same one twice.
#[derive(Debug, Default)]
pub struct NameBook {
    /// Hashes of the slugs handed out. Equal slugs hash equal, so a slug is
    /// never handed out twice; a hash collision only costs another try.
    /// Distinct slugs imply distinct names and e-mail domains.
    taken: HashSet<u64, BuildHasherDefault<Prehashed>>,
    /// Highest plant number handed out per base slug.
    plants: HashMap<String, u32>,
    /// Reused buffer for candidate slugs.
    scratch: String,
}

/// Other combinations tried before a plant qualifier is appended.
const ATTEMPTS: usize = 8;

impl NameBook {
    pub fn new() -> NameBook {
        NameBook::default()
    }

    /// Names handed out so far.
    pub fn len(&self) -> usize {
        self.taken.len()
    }

    pub fn is_empty(&self) -> bool {
        self.taken.is_empty()
    }

    /// A new company name for a supplier in `country` (ISO alpha-2) and
    /// `category`, chosen by `pick`: the same book state and pick always give
    /// the same name.
    pub fn company(&mut self, country: &str, category: &str, pick: u64) -> CompanyName {
        let mut picks = Picks(pick);
        let first = build(country, category, &mut picks);
        if self.claim(&first, None) {
            return first.company(None);
        }
        for _ in 1..ATTEMPTS {
            let candidate = build(country, category, &mut picks);
            if self.claim(&candidate, None) {
                return candidate.company(None);
            }
        }
        let mut base = String::new();
        first.push_slug(None, &mut base);
        let mut number = self.plants.get(&base).copied().unwrap_or(1);
        loop {
            number += 1;
            if self.claim(&first, Some(number)) {
                self.plants.insert(base, number);
                return first.company(Some(number));
            }
        }
    }

    /// Takes the name if its slug is free.
    fn claim(&mut self, parts: &Parts, plant: Option<u32>) -> bool {
        self.scratch.clear();
        parts.push_slug(plant, &mut self.scratch);
        self.taken.insert(fnv1a(self.scratch.as_bytes()))
    }
}

/// FNV-1a, finished with the splitmix64 mixer so that every bit is spread.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash = 0xCBF2_9CE4_8422_2325u64;
    for &b in bytes {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
    }
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    hash ^ (hash >> 31)
}

/// A hasher for keys that are hashes already.
#[derive(Debug, Default, Clone, Copy)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

fn build(country: &str, category: &str, picks: &mut Picks) -> Parts {
    if country == "CN" {
        return mainland(category, picks);
    }
    let style = style(country);
    let (stem, stem_local) = style.stems[picks.below(style.stems.len())];
    let (trade, trade_local) = if style.chinese {
        let trades = trades(category);
        trades[picks.below(trades.len())]
    } else {
        let category_words = trade_words(category);
        let use_category = style.category_words && (style.words.is_empty() || picks.below(2) == 0);
        if use_category {
            (category_words[picks.below(category_words.len())], "")
        } else {
            (style.words[picks.below(style.words.len())], "")
        }
    };
    let (legal, legal_local) = style.legal[picks.below(style.legal.len())];
    let (prefix, prefix_local) = style.prefix;
    let words = match style.pattern {
        Pattern::StemTrade => [prefix, stem, trade],
        Pattern::TradeStem => [trade, stem, ""],
        Pattern::Indonesian => ["PT", stem, trade],
    };
    let local = if style.chinese {
        [prefix_local, stem_local, trade_local, legal_local]
    } else {
        [""; 4]
    };
    Parts {
        words,
        legal,
        local,
        division: None,
    }
}

/// Sum of the cities' weights.
const CITY_WEIGHTS: u32 = {
    let mut total = 0;
    let mut i = 0;
    while i < CITIES.len() {
        total += CITIES[i].3;
        i += 1;
    }
    total
};

fn mainland(category: &str, picks: &mut Picks) -> Parts {
    let mut target = picks.below(CITY_WEIGHTS as usize) as u32;
    let mut city = CITIES[0];
    for candidate in CITIES {
        if target < candidate.3 {
            city = *candidate;
            break;
        }
        target -= candidate.3;
    }
    let (city_local, city_name, division, _) = city;
    let (stem_local, stem) = STEMS[picks.below(STEMS.len())];
    let trades = trades(category);
    let (trade, trade_local) = trades[picks.below(trades.len())];
    Parts {
        words: [city_name, stem, trade],
        legal: " Co., Ltd.",
        local: [city_local, stem_local, trade_local, "有限公司"],
        division: Some(division),
    }
}

fn join(words: &[&str]) -> String {
    let mut out = String::new();
    for word in words.iter().filter(|word| !word.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A contact person: "Zhang Wei 张伟" for Chinese-speaking suppliers, a
/// local name elsewhere, and an ASCII e-mail local part ("zhang.wei").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email_local: String,
}

/// Chinese surnames: (Chinese, pinyin).
pub const SURNAMES: &[(&str, &str)] = &[
    ("张", "Zhang"),
    ("王", "Wang"),
    ("李", "Li"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("黄", "Huang"),
    ("赵", "Zhao"),
    ("吴", "Wu"),
    ("周", "Zhou"),
    ("徐", "Xu"),
    ("孙", "Sun"),
    ("马", "Ma"),
    ("朱", "Zhu"),
    ("胡", "Hu"),
    ("郭", "Guo"),
    ("何", "He"),
    ("林", "Lin"),
    ("罗", "Luo"),
    ("高", "Gao"),
    ("郑", "Zheng"),
    ("梁", "Liang"),
    ("谢", "Xie"),
    ("宋", "Song"),
    ("唐", "Tang"),
    ("韩", "Han"),
    ("冯", "Feng"),
    ("邓", "Deng"),
    ("曹", "Cao"),
    ("彭", "Peng"),
];

/// Chinese given names: (Chinese, pinyin).
pub const GIVEN_NAMES: &[(&str, &str)] = &[
    ("伟", "Wei"),
    ("芳", "Fang"),
    ("娜", "Na"),
    ("敏", "Min"),
    ("静", "Jing"),
    ("丽", "Li"),
    ("强", "Qiang"),
    ("磊", "Lei"),
    ("军", "Jun"),
    ("洋", "Yang"),
    ("勇", "Yong"),
    ("艳", "Yan"),
    ("杰", "Jie"),
    ("娟", "Juan"),
    ("涛", "Tao"),
    ("明", "Ming"),
    ("超", "Chao"),
    ("秀英", "Xiuying"),
    ("霞", "Xia"),
    ("平", "Ping"),
    ("刚", "Gang"),
    ("桂英", "Guiying"),
    ("建华", "Jianhua"),
    ("晓东", "Xiaodong"),
    ("海燕", "Haiyan"),
    ("志强", "Zhiqiang"),
    ("丽娟", "Lijuan"),
    ("文博", "Wenbo"),
    ("思远", "Siyuan"),
    ("雪梅", "Xuemei"),
    ("国平", "Guoping"),
    ("春燕", "Chunyan"),
    ("子涵", "Zihan"),
    ("宇航", "Yuhang"),
    ("佳怡", "Jiayi"),
    ("浩然", "Haoran"),
];

/// (family names, given names, family name first)
fn local_people(country: &str) -> (&'static [&'static str], &'static [&'static str], bool) {
    match country {
        "JP" => (
            &[
                "Sato",
                "Suzuki",
                "Takahashi",
                "Tanaka",
                "Watanabe",
                "Ito",
                "Yamamoto",
                "Nakamura",
                "Kobayashi",
                "Kato",
            ],
            &[
                "Hiroshi", "Takashi", "Yuki", "Kenji", "Akiko", "Naoko", "Daisuke", "Haruka",
                "Makoto", "Emi",
            ],
            true,
        ),
        "KR" => (
            &[
                "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim",
            ],
            &[
                "Min-jun",
                "Seo-yeon",
                "Ji-hoon",
                "Soo-jin",
                "Hyun-woo",
                "Eun-ji",
                "Dong-hyun",
                "Ji-young",
                "Sung-min",
                "Hye-jin",
            ],
            true,
        ),
        "VN" => (
            &[
                "Nguyen", "Tran", "Le", "Pham", "Hoang", "Phan", "Vu", "Dang", "Bui", "Do",
            ],
            &[
                "Van An",
                "Thi Lan",
                "Minh Tuan",
                "Thi Huong",
                "Duc Anh",
                "Thu Trang",
                "Quang Huy",
                "Ngoc Mai",
                "Hoang Nam",
                "Thanh Hai",
            ],
            true,
        ),
        "IN" => (
            &[
                "Sharma", "Patel", "Gupta", "Iyer", "Reddy", "Nair", "Singh", "Mehta", "Rao",
                "Joshi",
            ],
            &[
                "Rahul", "Priya", "Amit", "Sneha", "Vikram", "Anjali", "Suresh", "Kavita", "Arjun",
                "Deepa",
            ],
            false,
        ),
        "MY" | "SG" => (
            &[
                "Tan", "Lim", "Lee", "Ng", "Goh", "Koh", "Teo", "Chua", "Ong", "Wong",
            ],
            &[
                "Wei Jie",
                "Hui Min",
                "Boon Huat",
                "Siew Ling",
                "Kok Leong",
                "Mei Ling",
                "Jun Hao",
                "Li Ting",
            ],
            true,
        ),
        "TH" => (
            &[
                "Srisuk",
                "Wongsawat",
                "Chaiyaporn",
                "Rattanakul",
                "Suwannarat",
                "Thongchai",
                "Boonmee",
                "Saetang",
            ],
            &[
                "Somchai", "Suda", "Anan", "Malee", "Prasert", "Nattaya", "Wichai", "Kanya",
            ],
            false,
        ),
        "DE" => (
            &[
                "Müller", "Schmidt", "Fischer", "Weber", "Becker", "Schulz", "Hoffmann", "Koch",
                "Richter", "Wolf",
            ],
            &[
                "Thomas", "Sabine", "Andreas", "Katrin", "Stefan", "Julia", "Markus", "Claudia",
                "Jörg", "Anja",
            ],
            false,
        ),
        "MX" => (
            &[
                "García",
                "Hernández",
                "Martínez",
                "López",
                "González",
                "Rodríguez",
                "Pérez",
                "Sánchez",
                "Ramírez",
                "Torres",
            ],
            &[
                "José",
                "María",
                "Juan",
                "Guadalupe",
                "Luis",
                "Ana",
                "Carlos",
                "Verónica",
                "Jorge",
                "Fernanda",
            ],
            false,
        ),
        "ID" => (
            &[
                "Santoso", "Wijaya", "Saputra", "Lestari", "Hidayat", "Kusuma", "Pratama",
                "Setiawan",
            ],
            &[
                "Budi", "Siti", "Agus", "Dewi", "Eko", "Rina", "Hendra", "Wulan",
            ],
            false,
        ),
        "PH" => (
            &[
                "Santos",
                "Reyes",
                "Cruz",
                "Bautista",
                "Ocampo",
                "Garcia",
                "Mendoza",
                "Villanueva",
            ],
            &[
                "Maria",
                "Jose",
                "Mark",
                "Kristine",
                "John Paul",
                "Angelica",
                "Rommel",
                "Liza",
            ],
            false,
        ),
        _ => (
            &[
                "Johnson", "Smith", "Miller", "Brown", "Davis", "Wilson", "Anderson", "Taylor",
                "Thomas", "Moore",
            ],
            &[
                "Michael", "Jennifer", "David", "Sarah", "James", "Emily", "Robert", "Jessica",
                "Daniel", "Laura",
            ],
            false,
        ),
    }
}

/// A contact person at a supplier in `country`, chosen by `pick`.
pub fn person(country: &str, pick: u64) -> Person {
    let mut picks = Picks(pick);
    if matches!(country, "CN" | "TW" | "HK" | "MO") {
        let (surname_local, surname) = SURNAMES[picks.below(SURNAMES.len())];
        let (given_local, given) = GIVEN_NAMES[picks.below(GIVEN_NAMES.len())];
        return Person {
            name: format!("{surname} {given} {surname_local}{given_local}"),
            email_local: format!("{}.{}", slug_word(surname), slug_word(given)),
        };
    }
    let (families, givens, family_first) = local_people(country);
    let family = families[picks.below(families.len())];
    let given = givens[picks.below(givens.len())];
    let name = if family_first {
        format!("{family} {given}")
    } else {
        format!("{given} {family}")
    };
    Person {
        name,
        email_local: format!("{}.{}", slug_word(given), slug_word(family)),
    }
}

/// Lower-case ASCII slug: letters and digits, words joined by '-'. Common
/// Latin accents are transliterated ("Präzision" → "praezision", "Juárez" →
/// "juarez"); apostrophes vanish ("Xi'an" → "xian").
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_slug(text, &mut out);
    out
}

/// Appends the slug of `text` to `out`, after a '-' if `out` is not empty.
fn push_slug(text: &str, out: &mut String) {
    let mut gap = true;
    for c in text.chars() {
        if c == '\'' || c == '’' {
            continue;
        }
        let ascii = transliterate(c);
        if ascii.is_none() && !c.is_ascii_alphanumeric() {
            gap = true;
            continue;
        }
        if gap && !out.is_empty() {
            out.push('-');
        }
        gap = false;
        match ascii {
            Some(ascii) => out.push_str(ascii),
            None => out.push(c.to_ascii_lowercase()),
        }
    }
}

/// A name as one e-mail-safe word: "Min-jun" → "minjun", "Van An" → "vanan".
fn slug_word(text: &str) -> String {
    slug(text).replace('-', "")
}

fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        'ä' | 'Ä' => "ae",
        'ö' | 'Ö' => "oe",
        'ü' | 'Ü' => "ue",
        'ß' => "ss",
        'á' | 'à' | 'â' | 'Á' | 'À' | 'Â' => "a",
        'é' | 'è' | 'ê' | 'É' | 'È' | 'Ê' => "e",
        'í' | 'ì' | 'î' | 'Í' => "i",
        'ó' | 'ò' | 'ô' | 'Ó' => "o",
        'ú' | 'ù' | 'û' | 'Ú' => "u",
        'ñ' | 'Ñ' => "n",
        'ç' | 'Ç' => "c",
        _ => return None,
    })
}

/// 1 → 一, 2 → 二, 10 → 十, 12 → 十二, 101 → 一百零一, for plant numbers.
/// Numbers from 10,000 on are written with Arabic digits.
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    const UNITS: [&str; 4] = ["千", "百", "十", ""];
    if n == 0 {
        return "零".into();
    }
    if n >= 10_000 {
        return n.to_string();
    }
    let digits = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
    let mut out = String::new();
    let mut zero_pending = false;
    for (index, &digit) in digits.iter().enumerate() {
        if digit == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if zero_pending {
            out.push('零');
            zero_pending = false;
        }
        // 10–19 read 十, 十一 …, not 一十.
        if !(n < 20 && index == 2) {
            out.push(DIGITS[digit as usize]);
        }
        out.push_str(UNITS[index]);
    }
    out
}

/// A stream of choices derived from one number (splitmix64).
struct Picks(u64);

impl Picks {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUNTRIES: &[&str] = &[
        "CN", "TW", "HK", "MO", "JP", "KR", "VN", "IN", "MY", "TH", "SG", "US", "DE", "MX", "ID",
        "PH", "FR",
    ];

    fn assert_unique<'a>(items: impl IntoIterator<Item = &'a str>, what: &str) {
        let mut seen = HashSet::new();
        for item in items {
            assert!(seen.insert(item), "{what}: {item} repeats");
        }
    }

    #[test]
    fn lists_have_no_duplicates() {
        assert!(STEMS.len() >= 60);
        assert_unique(STEMS.iter().map(|s| s.0), "stem");
        assert_unique(STEMS.iter().map(|s| s.1), "stem pinyin");
        assert_unique(CITIES.iter().map(|c| c.0), "city");
        assert_unique(CITIES.iter().map(|c| c.1), "city name");
        assert_unique(CITIES.iter().map(|c| c.2), "division");
        for stems in [TW_STEMS, HK_STEMS] {
            assert_unique(stems.iter().map(|s| s.0), "stem");
            assert_unique(stems.iter().map(|s| s.1), "stem");
        }
        for category in CATEGORIES {
            assert_unique(trades(category).iter().map(|t| t.0), category);
            assert_unique(trades(category).iter().map(|t| t.1), category);
        }
    }

    #[test]
    fn city_names_and_stems_never_overlap() {
        // Otherwise "Jiaxing Jiaxing …" could be read two ways.
        for (_, city, _, _) in CITIES {
            assert!(STEMS.iter().all(|(_, stem)| stem != city), "{city}");
        }
    }

    #[test]
    fn divisions_are_six_digits() {
        for (_, city, division, weight) in CITIES {
            assert_eq!(division.len(), 6, "{city}");
            assert!(division.bytes().all(|b| b.is_ascii_digit()), "{city}");
            assert!(*weight > 0);
        }
    }

    #[test]
    fn trades_translate_one_way_only() {
        let mut english = HashMap::new();
        let mut chinese = HashMap::new();
        for category in CATEGORIES {
            for &(en, zh) in trades(category) {
                assert_eq!(*english.entry(en).or_insert(zh), zh, "{en}");
                assert_eq!(*chinese.entry(zh).or_insert(en), en, "{zh}");
            }
        }
    }

    #[test]
    fn example_from_the_brief() {
        let parts = Parts {
            words: ["Dongguan", "Huake", "Precision Electronics"],
            legal: " Co., Ltd.",
            local: ["东莞", "华科", "精密电子", "有限公司"],
            division: Some("441900"),
        };
        let expected = CompanyName {
            name: "Dongguan Huake Precision Electronics Co., Ltd.".into(),
            name_local: "东莞华科精密电子有限公司".into(),
            slug: "dongguan-huake-precision-electronics".into(),
            division: Some("441900"),
        };
        assert_eq!(parts.company(None), expected);
        let plant = parts.company(Some(2));
        assert_eq!(
            plant.name,
            "Dongguan Huake Precision Electronics Co., Ltd. (Plant 2)"
        );
        assert_eq!(plant.name_local, "东莞华科精密电子有限公司二厂");
        assert_eq!(plant.slug, "dongguan-huake-precision-electronics-plant-2");
        assert_eq!(
            parts.company(Some(12)).name_local,
            "东莞华科精密电子有限公司十二厂"
        );
        // Every generated mainland name has this shape.
        let mut picks = Picks(0);
        for _ in 0..100 {
            let name = mainland("structural_parts", &mut picks).company(None);
            assert!(name.name.ends_with(" Co., Ltd."), "{}", name.name);
            assert!(name.name_local.ends_with("有限公司"), "{}", name.name_local);
            assert_eq!(name.slug, slug(name.name.trim_end_matches(" Co., Ltd.")));
        }
    }

    #[test]
    fn slug_of_parts_is_slug_of_the_name() {
        let parts = Parts {
            words: ["Industrias", "del Bajío", ""],
            legal: ", S.A. de C.V.",
            local: [""; 4],
            division: None,
        };
        let name = parts.company(None);
        assert_eq!(name.name, "Industrias del Bajío, S.A. de C.V.");
        assert_eq!(name.slug, "industrias-del-bajio");
        assert_eq!(name.name_local, "");
        assert_eq!(parts.company(Some(3)).name_local, "");
        let mut xian = String::new();
        Parts {
            words: ["Xi'an", "Huake", "Display"],
            ..parts
        }
        .push_slug(Some(4), &mut xian);
        assert_eq!(xian, "xian-huake-display-plant-4");
    }

    #[test]
    fn mainland_names_match_their_city() {
        let mut book = NameBook::new();
        for pick in 0..500u64 {
            let name = book.company("CN", "display", pick);
            let division = name.division.expect("mainland names carry a division");
            let city = CITIES.iter().find(|c| c.2 == division).unwrap();
            assert!(name.name.starts_with(city.1), "{}", name.name);
            assert!(name.name_local.starts_with(city.0), "{}", name.name_local);
        }
    }

    #[test]
    fn overseas_names_follow_local_style() {
        let mut book = NameBook::new();
        let check = |book: &mut NameBook, country: &str, suffixes: &[&str], chinese: bool| {
            for pick in 0..50u64 {
                let name = book.company(country, "assembly", pick);
                assert!(
                    suffixes.iter().any(|s| name.name.contains(s)),
                    "{country}: {}",
                    name.name
                );
                assert_eq!(!name.name_local.is_empty(), chinese, "{}", name.name);
                assert_eq!(name.division, None);
            }
        };
        check(&mut book, "TW", &["Co., Ltd.", "Corporation"], true);
        check(&mut book, "HK", &["Limited"], true);
        check(&mut book, "MO", &["Macau "], true);
        check(
            &mut book,
            "JP",
            &["Co., Ltd.", "K.K.", "Corporation"],
            false,
        );
        check(&mut book, "VN", &["JSC", "Co., Ltd.", "Joint Stock"], false);
        check(&mut book, "DE", &["GmbH", " AG"], false);
        check(&mut book, "MX", &["de C.V."], false);
        check(&mut book, "ID", &["PT "], false);
        check(&mut book, "MY", &["Sdn. Bhd.", "Berhad"], false);
    }

    #[test]
    fn a_hundred_and_fifty_thousand_names_are_unique() {
        let mut book = NameBook::new();
        let mut names = HashSet::new();
        let mut locals = HashSet::new();
        let mut picks = Picks(42);
        let mut plants = 0;
        for i in 0..150_000usize {
            // Roughly the demo's mix: mostly mainland, some of every other.
            let country = if i % 10 == 0 {
                COUNTRIES[1 + picks.below(COUNTRIES.len() - 1)]
            } else {
                "CN"
            };
            let category = CATEGORIES[picks.below(CATEGORIES.len())];
            let name = book.company(country, category, picks.next());
            assert!(name.slug.len() <= 63, "{}", name.slug);
            assert!(name
                .slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            if name.name.contains("(Plant ") {
                plants += 1;
            }
            if !name.name_local.is_empty() {
                assert!(
                    locals.insert(name.name_local.clone()),
                    "{}",
                    name.name_local
                );
            }
            assert!(names.insert(name.name), "repeated");
        }
        assert_eq!(book.len(), 150_000);
        // Repeats are the exception, not the rule.
        assert!(plants < 15_000, "{plants} plant names");
    }

    #[test]
    fn same_picks_give_same_names() {
        let run = || {
            let mut book = NameBook::new();
            (0..1000u64)
                .map(|pick| book.company(COUNTRIES[(pick % 17) as usize], "pcb", pick % 300))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn a_repeated_pick_gets_another_name() {
        let mut book = NameBook::new();
        let first = book.company("CN", "battery", 7);
        let second = book.company("CN", "battery", 7);
        assert_ne!(first.name, second.name);
        assert_eq!(book.len(), 2);
    }

    #[test]
    fn exhausted_combinations_become_plants() {
        // Macao has 30 stems × 10 camera-module trades × 1 legal form.
        let mut book = NameBook::new();
        let names: Vec<_> = (0..400u64)
            .map(|pick| book.company("MO", "camera_module", pick))
            .collect();
        let plants = names.iter().filter(|n| n.name.contains("(Plant ")).count();
        assert!(plants >= 100);
        let plant = names.iter().find(|n| n.name.contains("(Plant ")).unwrap();
        assert!(plant.name_local.ends_with("厂"), "{}", plant.name_local);
        assert_unique(names.iter().map(|n| n.name.as_str()), "name");
        assert_unique(names.iter().map(|n| n.name_local.as_str()), "name_local");
    }

    #[test]
    fn people() {
        for pick in 0..200u64 {
            for country in COUNTRIES {
                let person = person(country, pick);
                assert!(!person.name.is_empty());
                let (user, rest) = person.email_local.split_once('.').unwrap();
                assert!(!user.is_empty() && !rest.is_empty(), "{person:?}");
                assert!(person
                    .email_local
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'.'));
            }
        }
        let chinese = person("CN", 3);
        let (pinyin, hanzi) = chinese.name.rsplit_once(' ').unwrap();
        assert!(SURNAMES
            .iter()
            .any(|(zh, py)| hanzi.starts_with(zh) && pinyin.starts_with(py)));
        assert_eq!(chinese.email_local, slug(pinyin).replace('-', "."));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Xi'an Huake Display Co."), "xian-huake-display-co");
        assert_eq!(
            slug("Keller Präzisionstechnik"),
            "keller-praezisionstechnik"
        );
        assert_eq!(slug("Electrónica del Bajío"), "electronica-del-bajio");
        assert_eq!(slug("  A & B -- C  "), "a-b-c");
        assert_eq!(slug_word("Min-jun"), "minjun");
        assert_eq!(slug("深圳"), "");
    }

    #[test]
    fn chinese_numbers() {
        let cases = [
            (1, "一"),
            (2, "二"),
            (9, "九"),
            (10, "十"),
            (11, "十一"),
            (19, "十九"),
            (20, "二十"),
            (21, "二十一"),
            (100, "一百"),
            (101, "一百零一"),
            (110, "一百一十"),
            (1001, "一千零一"),
            (1010, "一千零一十"),
            (1200, "一千二百"),
            (9999, "九千九百九十九"),
            (10_000, "10000"),
        ];
        for (n, expected) in cases {
            assert_eq!(chinese_number(n), expected, "{n}");
        }
    }
}
