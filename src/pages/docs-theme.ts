/**
 * The API docs' colours over Swagger UI's default theme, whose method badges, links and buttons
 * are lighter than WCAG AA allows (white on #49cc90 is 2:1). Each colour here is the default's hue
 * darkened until its text reaches 4.5:1; /openapi.json and the layout are Swagger UI's own.
 */
export const docsThemeCss = `
.swagger-ui .opblock.opblock-get .opblock-summary-method{background:#0b5cad}
.swagger-ui .opblock.opblock-post .opblock-summary-method{background:#0f6b3e}
.swagger-ui .opblock.opblock-put .opblock-summary-method{background:#8a4b00}
.swagger-ui .opblock.opblock-delete .opblock-summary-method{background:#b00020}
.swagger-ui .opblock.opblock-patch .opblock-summary-method{background:#0e6964}
.swagger-ui .opblock.opblock-head .opblock-summary-method,.swagger-ui .opblock.opblock-options .opblock-summary-method{background:#5b2a86}
.swagger-ui .opblock-tag small,.swagger-ui .opblock .opblock-summary-description,.swagger-ui .opblock .opblock-summary-path{color:#1a1a1a}
.swagger-ui .info .title small pre.version{background:#4a5260}
.swagger-ui .info .title small.version-stamp{background:#3b6e00}
.swagger-ui .info .title small.version-stamp pre.version{background:#3b6e00}
.swagger-ui .info a,.swagger-ui .info .url,.swagger-ui a.nostyle,.swagger-ui .info .link{color:#1f5fa8}
.swagger-ui .btn.authorize{color:#0f6b3e;border-color:#0f6b3e}
.swagger-ui .btn.authorize span{color:#0f6b3e}
.swagger-ui .btn.authorize svg{fill:#0f6b3e}
.swagger-ui .json-schema-2020-12-expand-deep-button{color:#4a4a4a}
.swagger-ui .opblock .opblock-section-header h4,.swagger-ui .tab li,.swagger-ui .response-col_status,.swagger-ui .parameter__name{color:#1a1a1a}
.swagger-ui .parameter__in,.swagger-ui .parameter__type,.swagger-ui .prop-format,.swagger-ui .response-col_links{color:#4a4a4a}
.swagger-ui .parameter__name.required span,.swagger-ui .parameter__name.required:after{color:#b00020}
.swagger-ui .btn.try-out__btn,.swagger-ui .btn.cancel{color:#1a1a1a;border-color:#555}
.swagger-ui .opblock-body pre.microlight,.swagger-ui .highlight-code>.microlight{background:#1e2329!important;color:#fff}
.swagger-ui .model-title,.swagger-ui .model,.swagger-ui section.models h4{color:#1a1a1a}
`;
