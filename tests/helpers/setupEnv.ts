// Node 20 runs the tests here while Lambda runs nodejs22.x; the SDK's notice about it is noise in every suite.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
