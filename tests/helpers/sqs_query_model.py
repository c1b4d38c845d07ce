"""Writes an SQS service model that makes botocore (boto3, the aws CLI) speak the query protocol.

botocore since 1.31.x ships SQS as JSON (the protocol SQS adopted in 2023); clients released
before that send form-encoded `Action=...` requests and parse XML. This takes the installed
JSON model and turns it back into the query model those clients had: the query protocol and
XML namespace, `<Action>Result` wrappers, and the flattened list and map names of the SQS
query API (`AttributeName.1`, `Attribute.1.Name`, `SendMessageBatchRequestEntry.1.Id`,
`<Message>`, `<QueueUrl>`...). Point AWS_DATA_PATH at the output folder and botocore loads it in
place of its own.

usage: python3 sqs_query_model.py <out-dir>
"""
import json
import os
import sys

import botocore.loaders

# Query names of list members whose element is not named after its shape.
LIST_MEMBER_NAMES = {
    'AWSAccountIds': 'AWSAccountId',
    'Actions': 'ActionName',
    'AttributeNames': 'AttributeName',
    'MessageAttributeNames': 'MessageAttributeName',
    'MessageSystemAttributeNames': 'MessageSystemAttributeName',
    'QueueUrls': 'QueueUrl',
    'queueUrls': 'QueueUrl',
    'TagKeys': 'TagKey',
    'StringListValues': 'StringListValue',
    'BinaryListValues': 'BinaryListValue',
}
# Query names of map members, and the names of their key elements.
MAP_NAMES = {
    'Attributes': ('Attribute', 'Name'),
    'MessageAttributes': ('MessageAttribute', 'Name'),
    'MessageSystemAttributes': ('MessageSystemAttribute', 'Name'),
    'Tags': ('Tag', 'Key'),
    'tags': ('Tag', 'Key'),
}


def query_model():
    model = botocore.loaders.Loader().load_service_model('sqs', 'service-2')
    meta = model['metadata']
    if meta.get('protocol') == 'query':
        # A botocore from before 2023 (Debian's, say) still ships the query model itself.
        return model
    for key in ('jsonVersion', 'targetPrefix', 'awsQueryCompatible'):
        meta.pop(key, None)
    meta['protocol'] = 'query'
    meta['protocols'] = ['query']
    meta['xmlNamespace'] = 'http://queue.amazonaws.com/doc/2012-11-05/'
    for name, op in model['operations'].items():
        if 'output' in op:
            op['output']['resultWrapper'] = name + 'Result'
    shapes = model['shapes']
    for shape in shapes.values():
        if shape['type'] != 'structure':
            continue
        for member_name, member in shape['members'].items():
            target = shapes[member['shape']]
            if target['type'] == 'list':
                target['flattened'] = True
                element = shapes[target['member']['shape']]
                default = target['member']['shape'] if element['type'] == 'structure' else member_name
                target['member']['locationName'] = LIST_MEMBER_NAMES.get(member_name, default)
            elif target['type'] == 'map':
                location, key_name = MAP_NAMES[member_name]
                target['flattened'] = True
                member['locationName'] = location
                target['key']['locationName'] = key_name
                target['value']['locationName'] = 'Value'
    return model


def main():
    out = os.path.join(sys.argv[1], 'sqs', '2012-11-05')
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'service-2.json'), 'w') as f:
        json.dump(query_model(), f)


if __name__ == '__main__':
    main()
