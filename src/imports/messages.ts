import type { Messages } from '../pages/i18n.js';

/** Strings of the HR import page, zh-CN and English side by side. */
export const importMessages = {
  'import.title': { 'zh-CN': '导入基础数据', en: 'Import master data' },
  'import.intro': {
    'zh-CN': '上传 UTF-8 编码的 CSV 文件（Excel 中另存为“CSV UTF-8”）。首行为字段名。整个文件全部通过校验才会写入；有任何错误则一行也不写入，并列出每个出错的行和字段。',
    en: 'Upload a UTF-8 CSV file (in Excel: save as "CSV UTF-8"). The first row names the fields. The file is written only if every row passes; otherwise nothing is written and every bad row and field is listed.',
  },
  'import.kind': { 'zh-CN': '数据类别', en: 'Kind of data' },
  'import.file': { 'zh-CN': 'CSV 文件', en: 'CSV file' },
  'import.fileHint': { 'zh-CN': '最大 64 MiB', en: 'At most 64 MiB' },
  'import.submit': { 'zh-CN': '校验并导入', en: 'Check and import' },
  'import.noFile': { 'zh-CN': '请选择要上传的文件。', en: 'Choose a file to upload.' },
  'import.tooLarge': { 'zh-CN': '文件不能超过 64 MiB。', en: 'The file may be at most 64 MiB.' },
  'import.done': { 'zh-CN': '导入完成：{kind} {n} 行。', en: 'Imported: {n} rows of {kind}.' },
  'import.failed': { 'zh-CN': '未导入：文件中有错误，未写入任何数据。', en: 'Not imported: the file has errors; nothing was written.' },
  'import.loaded': { 'zh-CN': '当前已有', en: 'Loaded now' },
  'import.columns': { 'zh-CN': '各类别的字段', en: 'Fields of each kind' },
  'import.required': { 'zh-CN': '必填', en: 'required' },
  'import.optional': { 'zh-CN': '可选', en: 'optional' },
  'import.field': { 'zh-CN': '字段', en: 'Field' },
  'import.count': { 'zh-CN': '数量', en: 'Count' },
  'import.api': {
    'zh-CN': '系统对接请使用接口 POST /api/v1/import（JSON 或 CSV），说明见 /docs。',
    en: 'Integrations use POST /api/v1/import (JSON or CSV); see /docs.',
  },
  'kind.units': { 'zh-CN': '单位（units）', en: 'Units' },
  'kind.officers': { 'zh-CN': '税务干部（officers）', en: 'Officers' },
  'kind.taxpayers': { 'zh-CN': '纳税人（taxpayers）', en: 'Taxpayers' },
  'kind.assignments': { 'zh-CN': '管户分配（assignments）', en: 'Assignments' },
  'kind.workload': { 'zh-CN': '工作量（workload）', en: 'Workload' },
  'kind.assessments': { 'zh-CN': '业务考试成绩（assessments）', en: 'Assessment results' },
  'kind.thresholds': { 'zh-CN': '裁量基准（thresholds）', en: 'Thresholds' },
  'kind.periods': { 'zh-CN': '考核期', en: 'Periods' },
} satisfies Messages;
