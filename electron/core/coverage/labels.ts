// The words of the coverage list in the admin's language (zh-CN / en-US): column headers, statuses, sheet names.
// The list is read by people (managers, HR), unlike the export's machine manifest, whose headers never change.
import type { CoverageStatus, ReportLanguage } from '../../../shared/coverage';

export interface ReportLabels {
  columns: {
    name: string;
    employeeNo: string;
    departmentPath: string;
    manager: string;
    email: string;
    mobile: string;
    groups: string;
    status: string;
    updatedAt: string;
  };
  status: Record<CoverageStatus, string>;
  summary: { company: string; department: string; group: string; total: string; enrolled: string; share: string; notEnrolled: string; notVisible: string; stale: string };
  sheets: { list: string; byDepartment: string; byGroup: string };
}

const ZH: ReportLabels = {
  columns: {
    name: '姓名',
    employeeNo: '工号',
    departmentPath: '部门',
    manager: '直属上级',
    email: '邮箱',
    mobile: '手机号',
    groups: '考勤组',
    status: '人脸照片',
    updatedAt: '照片更新时间',
  },
  status: { enrolled: '已录入', stale: '已录入（照片较旧）', not_enrolled: '未录入', not_visible: '无权查看' },
  summary: { company: '全公司', department: '部门', group: '考勤组', total: '人数', enrolled: '已录入', share: '录入率', notEnrolled: '未录入', notVisible: '无权查看', stale: '照片较旧' },
  sheets: { list: '名单', byDepartment: '按部门汇总', byGroup: '按考勤组汇总' },
};

const EN: ReportLabels = {
  columns: {
    name: 'Name',
    employeeNo: 'Employee no.',
    departmentPath: 'Department',
    manager: 'Manager',
    email: 'Email',
    mobile: 'Mobile',
    groups: 'Attendance group',
    status: 'Face photo',
    updatedAt: 'Photo last changed',
  },
  status: { enrolled: 'Enrolled', stale: 'Enrolled (old photo)', not_enrolled: 'Not enrolled', not_visible: 'Not visible' },
  summary: { company: 'Whole company', department: 'Department', group: 'Attendance group', total: 'Employees', enrolled: 'Enrolled', share: 'Share', notEnrolled: 'Not enrolled', notVisible: 'Not visible', stale: 'Old photo' },
  sheets: { list: 'Employees', byDepartment: 'By department', byGroup: 'By group' },
};

export function reportLabels(lang: ReportLanguage): ReportLabels {
  return lang === 'zh-CN' ? ZH : EN;
}

/** zh-CN for a Chinese locale (zh, zh-TW, zh-Hans-CN…), en-US for anything else. */
export function reportLanguageOf(locale: string | undefined): ReportLanguage {
  return /^zh([-_.]|$)/i.test(locale ?? '') ? 'zh-CN' : 'en-US';
}
